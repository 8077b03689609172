package metrics

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gocsan/gocsan/kernel/debugfs"
	"github.com/gocsan/gocsan/report"
)

// Metrics holds the collector's metrics in their own registry.
type Metrics struct {
	Registry *prometheus.Registry

	reports    *prometheus.CounterVec
	suppressed *prometheus.CounterVec
	distinct   prometheus.Gauge
	last       prometheus.Gauge
	lines      prometheus.Counter
	skipped    prometheus.Counter
	symErrors  prometheus.Counter

	mu   sync.Mutex
	seen map[string]bool
	lost func() uint64
}

// Options configures New.
type Options struct {
	// DebugfsPath is KCSAN's debugfs file, read at each scrape; "" to
	// not export the kernel's counters.
	DebugfsPath string
	// Lost returns the number of console records the source lost.
	Lost func() uint64
	// Source names the source in the gocsan_kernel_source_info metric.
	Source string
}

// New creates the metrics and registers them.
func New(opt Options) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		reports: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gocsan_kernel_reports_total",
			Help: "KCSAN reports parsed from the kernel console, by kind (data-race, assert, unknown-origin), including rate-limited ones.",
		}, []string{"kind"}),
		suppressed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gocsan_kernel_reports_suppressed_total",
			Help: "KCSAN reports not shown because the same pair of frames was shown within the rate-limit window.",
		}, []string{"kind"}),
		distinct: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gocsan_kernel_distinct_races",
			Help: "Distinct KCSAN report titles seen since the collector started.",
		}),
		last: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gocsan_kernel_last_report_timestamp_seconds",
			Help: "Unix time at which the last KCSAN report was received; 0 before the first.",
		}),
		lines: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gocsan_kernel_console_lines_total",
			Help: "Kernel console lines read.",
		}),
		skipped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gocsan_kernel_parse_skipped_lines_total",
			Help: "Lines inside KCSAN reports the parser skipped (interleaved or malformed), and reports closed early.",
		}),
		symErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gocsan_kernel_symbolize_errors_total",
			Help: "Frames that could not be symbolized.",
		}),
		seen: make(map[string]bool),
		lost: opt.Lost,
	}
	m.Registry.MustRegister(m.reports, m.suppressed, m.distinct, m.last, m.lines, m.skipped, m.symErrors)
	for _, k := range []report.Kind{report.KindDataRace, report.KindAssert, report.KindUnknownOrigin} {
		// Present from the start, so rate() works from the first report.
		m.reports.WithLabelValues(string(k))
		m.suppressed.WithLabelValues(string(k))
	}
	if opt.Lost != nil {
		m.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "gocsan_kernel_console_lost_total",
			Help: "Console records lost before gocsan read them (ring buffer full, /dev/kmsg overrun).",
		}, func() float64 { return float64(opt.Lost()) }))
	}
	if opt.Source != "" {
		info := prometheus.NewGauge(prometheus.GaugeOpts{
			Name:        "gocsan_kernel_source_info",
			Help:        "The console source gocsan reads; always 1.",
			ConstLabels: prometheus.Labels{"source": opt.Source},
		})
		info.Set(1)
		m.Registry.MustRegister(info)
	}
	if opt.DebugfsPath != "" {
		m.Registry.MustRegister(&debugfsCollector{path: opt.DebugfsPath})
	}
	return m
}

// Line counts one console line.
func (m *Metrics) Line() { m.lines.Inc() }

// Skipped counts n skipped lines.
func (m *Metrics) Skipped(n int) { m.skipped.Add(float64(n)) }

// SymbolizeErrors counts n frames that could not be symbolized.
func (m *Metrics) SymbolizeErrors(n int) { m.symErrors.Add(float64(n)) }

// Report counts a report received at t; shown is false when rate
// limiting suppressed it.
func (m *Metrics) Report(r *report.Report, shown bool, t time.Time) {
	m.reports.WithLabelValues(string(r.Kind)).Inc()
	if !shown {
		m.suppressed.WithLabelValues(string(r.Kind)).Inc()
	}
	m.last.Set(float64(t.UnixNano()) / 1e9)
	m.mu.Lock()
	defer m.mu.Unlock()
	key := string(r.Kind) + "|" + r.Title
	if !m.seen[key] {
		m.seen[key] = true
		m.distinct.Set(float64(len(m.seen)))
	}
}

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Serve listens on addr and serves /metrics until Close is called on the
// returned server. It returns the listening address (useful with port 0).
func (m *Metrics) Serve(addr string) (*http.Server, net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			// The listener failed after it was set up; nothing to do
			// but stop serving.
			_ = ln.Close()
		}
	}()
	return srv, ln.Addr(), nil
}

// debugfsCollector reads KCSAN's debugfs file at each scrape. It is an
// unchecked collector (Describe sends nothing) because the counter names
// come from the kernel and newer kernels may add some.
type debugfsCollector struct{ path string }

var upDesc = prometheus.NewDesc("gocsan_kernel_kcsan_debugfs_up",
	"1 if KCSAN's debugfs file could be read at this scrape, else 0.", []string{"path"}, nil)
var enabledDesc = prometheus.NewDesc("gocsan_kernel_kcsan_enabled",
	"1 if KCSAN is enabled (debugfs \"enabled\").", nil, nil)

func (c *debugfsCollector) Describe(chan<- *prometheus.Desc) {}

func (c *debugfsCollector) Collect(ch chan<- prometheus.Metric) {
	s, err := debugfs.ReadFile(c.path)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 0, c.path)
		return
	}
	ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 1, c.path)
	en := 0.0
	if s.Enabled {
		en = 1
	}
	ch <- prometheus.MustNewConstMetric(enabledDesc, prometheus.GaugeValue, en)
	for _, k := range s.Counters {
		name := "gocsan_kernel_kcsan_" + sanitize(k.Name)
		if debugfs.Gauges[k.Name] {
			ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(name, "KCSAN debugfs counter "+k.Name+" (current value).", nil, nil),
				prometheus.GaugeValue, float64(k.Value))
			continue
		}
		ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(name+"_total", "KCSAN debugfs counter "+k.Name+".", nil, nil),
			prometheus.CounterValue, float64(k.Value))
	}
}

// sanitize keeps a kernel counter name a valid metric name.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, s)
}
