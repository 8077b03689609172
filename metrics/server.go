package metrics

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// DefaultAddr is where the metrics are served unless told otherwise.
const DefaultAddr = "127.0.0.1:9464"

// ListenAddr resolves the address to bind: empty means DefaultAddr, and
// an empty host (":9464") means loopback, not every interface as Go's
// default would; to listen elsewhere name the host ("0.0.0.0:9464").
func ListenAddr(addr string) (string, error) {
	if addr == "" {
		return DefaultAddr, nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("metrics address %q: %v (want host:port, for example %s)", addr, err, DefaultAddr)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// Server serves /metrics over HTTP.
type Server struct {
	ln  net.Listener
	srv *http.Server
	err chan error
}

// Handler returns the HTTP handler serving g at /metrics.
func Handler(g prometheus.Gatherer) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{
		// One unreadable stats file must not blank the whole page.
		ErrorHandling: promhttp.ContinueOnError,
		ErrorLog:      log.New(os.Stderr, "gocsan metrics: ", 0),
	}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintln(w, "gocsan metrics: see /metrics")
	})
	return mux
}

// Start listens on addr (see ListenAddr) and serves g's metrics until
// Close. The address actually bound is in Addr (useful with port 0).
func Start(addr string, g prometheus.Gatherer) (*Server, error) {
	addr, err := ListenAddr(addr)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln, srv: &http.Server{Handler: Handler(g), ReadHeaderTimeout: 10 * time.Second}, err: make(chan error, 1)}
	go func() {
		err := s.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.err <- err
	}()
	return s, nil
}

// StartRun serves the metrics of the run directory dir (NewRegistry) on
// addr: what gocsan test -metrics-addr and gocsan metrics do.
func StartRun(addr, dir string) (*Server, error) {
	return Start(addr, NewRegistry(dir))
}

// Addr returns the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Wait blocks until the server stops and returns why.
func (s *Server) Wait() error { return <-s.err }

// Close stops the server, letting scrapes in flight finish for up to
// five seconds.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}
