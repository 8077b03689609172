package watch

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/sarif"
)

const notes = "../../report/kernellog/testdata/notes-examples.log"

func TestMainFileOutputs(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	out := func(n string) string { return filepath.Join(dir, n) }
	code := Main(context.Background(), []string{"watch", "--source=" + notes, "--json=" + out("k.jsonl"),
		"--sarif=" + out("k.sarif"), "--html=" + out("k.html"), "--quiet"}, nil, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if n := strings.Count(stdout.String(), "BUG: KCSAN: "); n != 4 {
		t.Errorf("%d text reports on stdout", n)
	}
	if !strings.Contains(stderr.String(), "96 lines, 4 reports (4 shown, 4 distinct), 1 skipped lines") {
		t.Errorf("summary: %s", stderr.String())
	}
	f, err := os.Open(out("k.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if rs, errs := report.ReadJSON(f, "k.jsonl"); len(rs) != 4 || len(errs) != 0 {
		t.Errorf("JSON: %d reports, %v", len(rs), errs)
	}
	sb, err := os.ReadFile(out("k.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	if problems := sarif.Validate(sb); len(problems) != 0 {
		t.Errorf("SARIF: %v", problems)
	}
	if hb, err := os.ReadFile(out("k.html")); err != nil || !strings.Contains(string(hb), "test_kernel_assert_bits_change") {
		t.Errorf("HTML page lacks the reports (%v)", err)
	}

	// --fail-on-report: status 3 with reports, 0 without.
	if code := Main(context.Background(), []string{"watch", "--source=" + notes, "--text=", "--quiet", "--fail-on-report"}, nil, &stdout, &stderr); code != 3 {
		t.Errorf("--fail-on-report with reports: exit %d", code)
	}
	if code := Main(context.Background(), []string{"watch", "--source=-", "--quiet", "--fail-on-report"}, strings.NewReader("no reports here\n"), &stdout, &stderr); code != 0 {
		t.Errorf("--fail-on-report without reports: exit %d", code)
	}

	// Standard input, text to a file.
	stdout.Reset()
	in, _ := os.ReadFile(notes)
	if code := Main(context.Background(), []string{"watch", "--source=-", "--text=" + out("k.txt"), "--quiet"}, bytes.NewReader(in), &stdout, &stderr); code != 0 {
		t.Fatalf("stdin: exit %d", code)
	}
	if tb, _ := os.ReadFile(out("k.txt")); strings.Count(string(tb), "BUG: KCSAN: ") != 4 || stdout.Len() != 0 {
		t.Errorf("text file: %d reports, stdout %q", strings.Count(string(tb), "BUG: KCSAN: "), stdout.String())
	}
}

func TestMainErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{nil, 2, "usage: gocsan kernel watch"},
		{[]string{"collect"}, 2, "usage:"},
		{[]string{"watch", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"watch", "--source=" + notes, "extra"}, 2, "unexpected arguments"},
		{[]string{"watch", "--source=/nonexistent/console.log"}, 1, "/nonexistent/console.log"},
		{[]string{"watch", "--source=" + notes, "--vmlinux=" + notes}, 1, "notes-examples.log"},
		{[]string{"watch", "--source=" + notes, "--symbols=" + notes}, 1, "notes-examples.log:1:"},
		{[]string{"watch", "--source=ebpf", "--ebpf-mode=nonsense"}, 1, "unknown attach mode"},
	} {
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), c.args, nil, &stdout, &stderr)
		if code != c.code || !strings.Contains(stderr.String(), c.msg) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", c.args, code, stderr.String(), c.code, c.msg)
		}
	}
}

// lineWriter is a concurrency-safe writer that hands each complete line
// to a channel, so a test can wait for a line to be written.
type lineWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	all   bytes.Buffer
	lines chan string
}

func newLineWriter() *lineWriter { return &lineWriter{lines: make(chan string, 1024)} }

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.all.Write(p)
	w.buf.Write(p)
	for {
		l, err := w.buf.ReadString('\n')
		if err != nil {
			w.buf.WriteString(l)
			return len(p), nil
		}
		select {
		case w.lines <- strings.TrimSuffix(l, "\n"):
		default:
		}
	}
}

func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.all.String()
}

// waitLine waits for a line containing one of ss and returns it; the
// deadline is a watchdog against a hang, not a guess at how long the
// wait takes.
func waitLine(t *testing.T, w *lineWriter, ss ...string) string {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l := <-w.lines:
			for _, s := range ss {
				if strings.Contains(l, s) {
					return l
				}
			}
		case <-deadline:
			t.Fatalf("no line containing %q within 60 s; output so far:\n%s", ss, w.String())
		}
	}
}

// gocsan kernel watch --source=ebpf on this machine's kernel: a report
// written line by line into /dev/kmsg comes out as text and JSON, and the
// metrics served on --metrics-addr count it.
func TestMainEBPFEndToEnd(t *testing.T) {
	canWriteKmsg(t)
	dir := t.TempDir()
	stdout, stderr := newLineWriter(), newLineWriter()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	jsonPath := filepath.Join(dir, "k.jsonl")
	done := make(chan int, 1)
	go func() {
		code := Main(ctx, []string{"watch", "--source=ebpf", "--metrics-addr=127.0.0.1:0", "--json=" + jsonPath, "--debugfs="}, nil, stdout, stderr)
		done <- code
		stderr.lines <- "test: Main returned"
	}()
	l := waitLine(t, stderr, "metrics on http://", "test: Main returned")
	if strings.Contains(l, "Main returned") {
		if strings.Contains(stderr.String(), "ebpf: ") {
			t.Skipf("BPF not permitted here: %s", stderr.String())
		}
		t.Fatalf("exit %d: %s", <-done, stderr.String())
	}
	metricsURL := strings.TrimSuffix(l[strings.Index(l, "http://")+len("http://"):], "/metrics")
	if l := waitLine(t, stderr, "reading ebpf", "test: Main returned"); strings.Contains(l, "Main returned") {
		t.Skipf("BPF not permitted here: %s", stderr.String())
	}

	tag := "gocsan_cli_e2e_" + time.Now().Format("150405_000000000")
	writeKmsg(t, kcsanReport(tag))
	waitLine(t, stdout, "BUG: KCSAN: data-race in "+tag+"_read / "+tag+"_write")
	// Reports are counted before they are written: the scrape after
	// the text line sees this one.
	mt := scrape(t, metricsURL)
	if !strings.Contains(mt, `gocsan_kernel_reports_total{kind="data-race"} 1`+"\n") {
		t.Errorf("metrics:\n%s", mt)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	f, err := os.Open(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	rs, errs := report.ReadJSON(bytes.NewReader(b), "k.jsonl")
	found := false
	for _, r := range rs {
		if strings.Contains(r.Title, tag) && len(r.Accesses) == 2 && r.Accesses[1].Interrupt {
			found = true
		}
	}
	if !found || len(errs) != 0 {
		t.Errorf("JSON output lacks the report (%d reports, %v)", len(rs), errs)
	}
}
