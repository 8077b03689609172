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
	"github.com/gocsan/gocsan/report/baseline"
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
	gocsanFlags["baseline"] = "gocsan test: the outputs hold only races not in baseline FILE (gocsan report baseline writes one) and the run fails only for those or for failures that are not races"
}

// ToolVersion is gocsan's version as SARIF names the tool (the command
// sets it from gocsan version's name; empty: not said).
var ToolVersion string

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
	// base is the -baseline file's content.
	base *baseline.Baseline
}

// startCI prepares the outputs the invocation asks for. runDir holds the
// run's reports file (jsonPath) and, with -metrics-addr, its stats files.
func startCI(sub string, inv *invocation, runDir, jsonPath, root string, stdout, stderr io.Writer) (*ciRun, error) {
	c := &ciRun{inv: inv, root: root, stdout: stdout, stderr: stderr}
	if path, ok := inv.gocsan["baseline"]; ok {
		b, err := baseline.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("-baseline: %v", err)
		}
		c.base = b
	}
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
	// JUnit needs the test events, and so does -baseline, to tell test
	// failures that races explain from others.
	if sub != "test" || (!inv.json && inv.gocsan["junit"] == "" && c.base == nil) {
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

// applyBaseline leaves out the races of the -baseline file, if any, and
// returns the new ones with the run's exit code: the go command's code
// is kept unless every failure the test events show is explained by
// races (the test binary fails a test during which a race was
// reported) and some race was in the baseline; new races make it 1.
func (c *ciRun) applyBaseline(reports []*report.Report, code int) ([]*report.Report, int) {
	if c.base == nil {
		return reports, code
	}
	counts := make([]int, len(reports))
	fresh, _ := c.base.New(reports, counts)
	known := len(reports) - len(fresh)
	fmt.Fprintf(c.stderr, "gocsan: %d of %d races are in baseline %s, %d new\n", known, len(reports), c.inv.gocsan["baseline"], len(fresh))
	if code != 0 && known > 0 && c.stream != nil {
		c.lines.flush()
		unexplained, failures := testjson.Unexplained(c.stream.Events())
		if failures > 0 && len(unexplained) == 0 {
			fmt.Fprintf(c.stderr, "gocsan: every test failure was a race\n")
			code = 0
		}
		for _, f := range unexplained {
			fmt.Fprintf(c.stderr, "gocsan: %s failed for a reason other than a race\n", f)
		}
	}
	if code == 0 && len(fresh) > 0 {
		code = 1
	}
	return fresh, code
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
		SARIF:       c.inv.gocsan["sarif"],
		JUnit:       c.inv.gocsan["junit"],
		HTML:        c.inv.gocsan["html"],
		Root:        c.root,
		ToolVersion: ToolVersion,
		Stdout:      annotations,
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
