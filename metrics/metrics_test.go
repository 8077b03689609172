package metrics

import (
	"bufio"
	"github.com/gocsan/gocsan/runtime/statsfile"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	gocsanrt "github.com/gocsan/gocsan/runtime"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func TestEveryRuntimeCounterIsExposed(t *testing.T) {
	mapped := map[string]bool{}
	for _, m := range statMetrics {
		mapped[m.stat] = true
		if !strings.HasSuffix(m.name, "_total") && !m.gauge {
			t.Errorf("counter %s does not end in _total", m.name)
		}
	}
	for _, c := range gocsanrt.Counters() {
		if !mapped[c.String()] {
			t.Errorf("runtime counter %s has no metric", c)
		}
	}
}

func TestListenAddrDefaultsToLoopback(t *testing.T) {
	for in, want := range map[string]string{"": DefaultAddr, ":9000": "127.0.0.1:9000", "0.0.0.0:9000": "0.0.0.0:9000", "[::1]:0": "[::1]:0", "localhost:1": "localhost:1"} {
		if got, err := ListenAddr(in); err != nil || got != want {
			t.Errorf("ListenAddr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ListenAddr("9000"); err == nil {
		t.Error("a port alone accepted")
	}
}

// scrape fetches and parses the text exposition.
func scrape(t *testing.T, addr string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("scrape: %s\n%s", resp.Status, b)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("content type %q", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return mfs
}

func value(mfs map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	mf := mfs[name]
	if mf == nil {
		return -1
	}
	var sum float64
	found := false
	for _, m := range mf.Metric {
		match := true
		for i := 0; i+1 < len(labels); i += 2 {
			ok := false
			for _, lp := range m.Label {
				if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
					ok = true
				}
			}
			match = match && ok
		}
		if !match {
			continue
		}
		found = true
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Untyped != nil:
			sum += m.Untyped.GetValue()
		}
	}
	if !found {
		return -1
	}
	return sum
}

// TestScrapeDuringRun serves the metrics of a run directory while an
// instrumented program races in it, and sees the counters move between
// scrapes, and stay after the program exited.
func TestScrapeDuringRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an instrumented program")
	}
	dir := t.TempDir()
	bin := filepath.Join(t.TempDir(), "racer")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/racer").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv, err := StartRun("127.0.0.1:0", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	mfs := scrape(t, srv.Addr())
	if v := value(mfs, "gocsan_data_races_total"); v != 0 {
		t.Errorf("before any process: data races %v, want 0", v)
	}
	if v := value(mfs, "gocsan_build_info"); v != 1 {
		t.Errorf("build info %v", v)
	}

	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "GOCSAN=skip=1 delay=1ms report_once_in=0 unknown_origin=0 exitcode=0 log_path="+filepath.Join(dir, "reports.txt")+
		" stats_dir="+dir+" json_path="+filepath.Join(dir, "reports.jsonl"))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(stdout)
	expect := func(prefix string) {
		t.Helper()
		if !lines.Scan() || !strings.HasPrefix(lines.Text(), prefix) {
			t.Fatalf("racer said %q, want %q (%v)", lines.Text(), prefix, lines.Err())
		}
	}
	expect("ready")
	mfs = scrape(t, srv.Addr())
	if v := value(mfs, "gocsan_processes"); v != 1 {
		t.Errorf("processes %v, want 1", v)
	}
	races0 := value(mfs, "gocsan_data_races_total")
	setup0 := value(mfs, "gocsan_watchpoints_setup_total")

	var last float64 = races0
	for round := 1; round <= 2; round++ {
		io.WriteString(stdin, "race\n")
		expect("raced")
		mfs = scrape(t, srv.Addr())
		races := value(mfs, "gocsan_data_races_total")
		if races <= last {
			t.Errorf("round %d: data races %v, was %v: the counter did not move", round, races, last)
		}
		last = races
		if got := value(mfs, "gocsan_reports_total", "kind", "data-race", "package", "main"); got < float64(round) {
			t.Errorf("round %d: gocsan_reports_total{kind=data-race,package=main} = %v", round, got)
		}
		if value(mfs, "gocsan_watchpoints_setup_total") <= setup0 || value(mfs, "gocsan_delay_seconds_total") <= 0 {
			t.Errorf("round %d: watchpoints or delay did not move", round)
		}
		if value(mfs, "gocsan_races_unique") != 1 {
			t.Errorf("round %d: unique races %v, want 1", round, value(mfs, "gocsan_races_unique"))
		}
	}
	io.WriteString(stdin, "exit\n")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("racer: %v", err)
	}
	// The counters survive the process.
	mfs = scrape(t, srv.Addr())
	if v := value(mfs, "gocsan_data_races_total"); v != last {
		t.Errorf("after exit: data races %v, want %v", v, last)
	}
	if v := value(mfs, "gocsan_watchpoints_armed"); v != 0 {
		t.Errorf("after exit: armed watchpoints %v, want 0", v)
	}
}

func TestBadFilesDoNotBlankThePage(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "1.stats"), []byte("garbage"), 0o644)
	os.WriteFile(filepath.Join(dir, "r.jsonl"), []byte("{\"kind\":\"assert\",\"package\":\"p\"}\n{trunc\n{\"kind\":\"assert\""), 0o644)
	srv, err := StartRun("127.0.0.1:0", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	mfs := scrape(t, srv.Addr())
	if v := value(mfs, "gocsan_reports_total", "kind", "assert", "package", "p"); v != 1 {
		t.Errorf("reports %v, want 1 (the partial last line is not read yet)", v)
	}
	if v := value(mfs, "gocsan_report_lines_invalid"); v != 1 {
		t.Errorf("invalid lines %v, want 1", v)
	}
	// The rest of the half-written line arrives.
	f, _ := os.OpenFile(filepath.Join(dir, "r.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(",\"package\":\"p\"}\n")
	f.Close()
	if v := value(scrape(t, srv.Addr()), "gocsan_reports_total", "kind", "assert", "package", "p"); v != 2 {
		t.Errorf("after the line was completed: %v, want 2", v)
	}
}

// TestNamingConventions runs client_golang's linter over the exposition.
func TestNamingConventions(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "r.jsonl"), []byte(`{"kind":"data-race","package":"p"}`+"\n"), 0o644)
	mfs, err := NewRegistry(dir).Gather()
	if err != nil {
		t.Fatal(err)
	}
	problems, err := promlint.NewWithMetricFamilies(mfs).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
}

// TestStatsReaderMatchesRuntime reads the stats files of a real process
// with the stats file reader: every counter of the runtime is there.
func TestStatsReaderMatchesRuntime(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an instrumented program")
	}
	dir := t.TempDir()
	cmd := exec.Command("go", "run", "./testdata/racer")
	cmd.Env = append(os.Environ(), "GOCSAN=skip=1 delay=1ms unknown_origin=0 exitcode=0 stats_dir="+dir+" log_path="+filepath.Join(dir, "log.txt"))
	cmd.Stdin = strings.NewReader("race\nexit\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("racer: %v\n%s", err, out)
	}
	procs, err := statsfile.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(procs) != 1 {
		t.Fatalf("%d processes, want 1", len(procs))
	}
	a := procs[0].Counters
	if len(a) == 0 || a["data_races"] == 0 {
		t.Fatalf("no counters read: %v", a)
	}
	// Every counter the runtime has is in the file under its name.
	for _, c := range gocsanrt.Counters() {
		if _, ok := a[c.String()]; !ok {
			t.Errorf("counter %s missing from the stats file", c)
		}
	}
	if len(a) != len(gocsanrt.Counters()) {
		t.Errorf("%d counters in the file, the runtime has %d", len(a), len(gocsanrt.Counters()))
	}
}
