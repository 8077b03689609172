package gobuild

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/gocsan/gocsan/metrics"
	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/outputs"
	"github.com/gocsan/gocsan/report/testjson"
)

// The CI outputs of a run: go test -json with race events merged into the
// stream, -sarif, -junit and -html files, GitHub Actions annotations (by
// themselves under Actions), and -metrics-addr. The formats live in
// report/...; this file only connects them to the go command's output.

func init() {
	gocsanFlags["sarif"] = "write the run's races as SARIF 2.1.0 (GitHub code scanning) to FILE"
	gocsanFlags["junit"] = "write JUnit XML to FILE, races in the failing tests"
	gocsanFlags["html"] = "write a self-contained HTML page of the run's races to FILE"
	gocsanFlags["metrics-addr"] = "serve Prometheus metrics aggregated over the run's processes on ADDR (loopback unless a host is named)"
}

type ciRun struct {
	inv            *invocation
	root           string
	stdout, stderr io.Writer
	// layer is added to GOCSAN for the run's processes.
	layer string
	// addJSON asks the go command for -json: JUnit needs the events and
	// the user did not ask for the stream.
	addJSON bool
	stream  *testjson.Stream
	text    *testjson.TextWriter
	lines   *lineSplitter
	srv     *metrics.Server
}

// startCI prepares the outputs the invocation asks for. runDir holds the
// run's reports file (jsonPath) and, with -metrics-addr, its stats files.
func startCI(sub string, inv *invocation, runDir, jsonPath, root string, stdout, stderr io.Writer) (*ciRun, error) {
	c := &ciRun{inv: inv, root: root, stdout: stdout, stderr: stderr}
	if addr := inv.gocsan["metrics-addr"]; addr != "" {
		old, _ := filepath.Glob(filepath.Join(runDir, "*.stats"))
		for _, f := range old {
			os.Remove(f)
		}
		c.layer = "stats_dir=" + runDir
		srv, err := metrics.StartRun(addr, runDir)
		if err != nil {
			return nil, fmt.Errorf("-metrics-addr=%s: %v", addr, err)
		}
		c.srv = srv
		fmt.Fprintf(stderr, "gocsan: serving metrics on http://%s/metrics\n", srv.Addr())
	}
	if sub != "test" || (!inv.json && inv.gocsan["junit"] == "") {
		return c, nil
	}
	out := io.Discard
	if inv.json {
		out = stdout
	} else {
		c.addJSON = true
		c.text = testjson.NewTextWriter(stdout, verbose(inv.goArgs))
	}
	c.stream = testjson.NewStream(out)
	if inv.json {
		// Races appear in the stream as soon as they are reported, each
		// before its package's final event.
		c.stream.Follow(jsonPath, func(err error) { fmt.Fprintf(stderr, "gocsan: %v\n", err) })
	}
	c.lines = &lineSplitter{line: func(b []byte) {
		if err := c.stream.Event(b); err != nil {
			fmt.Fprintf(stderr, "gocsan: %v\n", err)
		}
		if c.text != nil {
			c.text.Event(b)
		}
	}}
	return c, nil
}

// goStdout is where the go command's standard output goes.
func (c *ciRun) goStdout() io.Writer {
	if c.lines != nil {
		return c.lines
	}
	return c.stdout
}

// finish writes the file outputs from the run's distinct reports and
// stops the metrics server.
func (c *ciRun) finish(reports []*report.Report) error {
	if c.srv != nil {
		defer c.srv.Close()
	}
	var events []testjson.Event
	if c.stream != nil {
		c.lines.flush()
		if c.inv.json {
			if err := c.stream.Flush(); err != nil {
				return err
			}
		}
		events = c.stream.Events()
	}
	annotations := c.stdout
	if c.inv.json {
		annotations = c.stderr
	}
	return outputs.Write(outputs.Options{
		SARIF:  c.inv.gocsan["sarif"],
		JUnit:  c.inv.gocsan["junit"],
		HTML:   c.inv.gocsan["html"],
		Root:   c.root,
		Stdout: annotations,
	}, events, reports)
}

func verbose(args []string) bool {
	for _, a := range args {
		switch a {
		case "-v", "--v", "-v=true", "--v=true", "-test.v", "-test.v=true":
			return true
		}
	}
	return false
}

// lineSplitter calls line with each complete line written to it.
type lineSplitter struct {
	mu   sync.Mutex
	buf  []byte
	line func([]byte)
}

func (l *lineSplitter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.line(l.buf[:i+1])
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}

func (l *lineSplitter) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.line(l.buf)
		l.buf = nil
	}
}
