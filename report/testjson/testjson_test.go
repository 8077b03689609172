package testjson

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gocsan/gocsan/report"
)

func frame(fn string) report.Frame { return report.Frame{Function: fn, File: "/src/x.go", Line: 1} }

func TestAttribute(t *testing.T) {
	const p = "example.com/m"
	for _, c := range []struct {
		name      string
		r         *report.Report
		pkg, test string
	}{
		{"tRunner below the test", &report.Report{Package: p, Accesses: []report.Access{
			{Stack: []report.Frame{frame(p + ".other")}},
			{Stack: []report.Frame{frame(p + ".read"), frame(p + ".TestRead"), frame("testing.tRunner"), frame("testing.(*T).Run.gowrap1")}},
		}}, p, "TestRead"},
		{"subtest closure", &report.Report{Package: p, Accesses: []report.Access{
			{Stack: []report.Frame{frame(p + ".read"), frame(p + ".TestTable.func3"), frame("testing.tRunner")}},
		}}, p, "TestTable"},
		{"external test package", &report.Report{Package: p + "_test", Accesses: []report.Access{
			{Stack: []report.Frame{frame(p + ".read"), frame(p + "_test.TestX"), frame("testing.tRunner")}},
		}}, p, "TestX"},
		{"watcher before other", &report.Report{Accesses: []report.Access{
			{Stack: []report.Frame{frame(p + ".w"), frame(p + ".TestOther"), frame("testing.tRunner")}},
			{Stack: []report.Frame{frame(p + ".r"), frame(p + ".TestWatcher"), frame("testing.tRunner")}},
		}}, p, "TestWatcher"},
		{"falls back to the other access", &report.Report{Package: p, Accesses: []report.Access{
			{Stack: []report.Frame{frame(p + ".w"), frame(p + ".TestOther"), frame("testing.tRunner")}},
			{Stack: []report.Frame{frame(p + ".r"), frame(p + ".loop")}},
		}}, p, "TestOther"},
		{"goroutine created by a test", &report.Report{Package: p, Accesses: []report.Access{
			{Stack: []report.Frame{frame(p + ".w"), frame(p + ".worker")}, CreatedBy: ptr(frame(p + ".TestStart"))},
			{Stack: []report.Frame{frame(p + ".r"), frame(p + ".worker")}, CreatedBy: ptr(frame(p + ".helper"))},
		}}, p, "TestStart"},
		{"cut stack", &report.Report{Package: p, Accesses: []report.Access{
			{Stack: []report.Frame{frame(p + ".r"), frame(p + ".TestDeep.func1.1"), frame(p + ".TestDeep.func1")}},
		}}, p, "TestDeep"},
		{"lower-case after Test is not a test", &report.Report{Package: p, Accesses: []report.Access{
			{Stack: []report.Frame{frame(p + ".Testify"), frame(p + ".main")}},
		}}, p, ""},
		{"methods named Test are not tests", &report.Report{Package: p, Accesses: []report.Access{
			{Stack: []report.Frame{frame(p + ".(*T).TestX")}},
		}}, p, ""},
		{"testing's own frames", &report.Report{Package: p, Accesses: []report.Access{
			{Stack: []report.Frame{frame("testing.TestMainStart")}},
		}}, p, ""},
		{"driver's Test field", &report.Report{Package: p, Test: "TestFromDriver", Accesses: []report.Access{
			{Stack: []report.Frame{frame(p + ".r")}},
		}}, p, "TestFromDriver"},
		{"package from the top frame", &report.Report{Accesses: []report.Access{
			{Stack: []report.Frame{frame("example.com/a.b/c.(*T).M")}},
		}}, "example.com/a.b/c", ""},
	} {
		pkg, test := Attribute(c.r)
		if pkg != c.pkg || test != c.test {
			t.Errorf("%s: Attribute = %q, %q; want %q, %q", c.name, pkg, test, c.pkg, c.test)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func sampleRace(test string) *report.Report {
	r := &report.Report{
		Kind: report.KindDataRace, Package: "example.com/m", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Accesses: []report.Access{
			{Op: report.OpWrite, Goroutine: 7, CPU: -1, Stack: []report.Frame{frame("example.com/m.w"), frame("example.com/m." + test)}},
			{Op: report.OpRead, Goroutine: 8, CPU: -1, Stack: []report.Frame{frame("example.com/m.r"), frame("example.com/m.loop")}},
		},
	}
	r.Title = report.MakeTitle(r)
	return r
}

func TestStreamPassesThroughAndAddsRaces(t *testing.T) {
	in := []string{
		`{"Time":"2026-01-02T03:04:05.1Z","Action":"start","Package":"example.com/m"}`,
		`{"Time":"2026-01-02T03:04:05.2Z","Action":"run","Package":"example.com/m","Test":"TestA"}`,
		`{"Time":"2026-01-02T03:04:05.3Z","Action":"output","Package":"example.com/m","Test":"TestA","Output":"=== RUN   TestA\n"}`,
		`{"Time":"2026-01-02T03:04:05.4Z","Action":"pass","Package":"example.com/m","Test":"TestA","Elapsed":0}`,
		`plain text the go command printed`,
		`{"Time":"2026-01-02T03:04:05.5Z","Action":"fail","Package":"example.com/m","Elapsed":0.01}`,
	}
	var out bytes.Buffer
	s := NewStream(&out)
	var ended []string
	s.OnPackageEnd = func(pkg string) {
		ended = append(ended, pkg)
		r := sampleRace("TestA")
		if added, err := s.Race(r); !added || err != nil {
			t.Errorf("Race: %v, %v", added, err)
		}
		if added, _ := s.Race(sampleRace("TestA")); added {
			t.Error("duplicate race added twice")
		}
	}
	for _, l := range in {
		if err := s.Event([]byte(l)); err != nil {
			t.Fatal(err)
		}
	}
	if len(ended) != 1 || ended[0] != "example.com/m" {
		t.Errorf("OnPackageEnd calls %v", ended)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	// The passed-through lines are unchanged and in order; the race sits
	// right before the package's final event.
	text := report.Text(sampleRace("TestA"))
	nrace := strings.Count(text, "\n")
	if len(lines) != len(in)+nrace {
		t.Fatalf("%d lines out, want %d:\n%s", len(lines), len(in)+nrace, out.String())
	}
	for i := 0; i < 5; i++ {
		if lines[i] != in[i] {
			t.Errorf("line %d changed: %s", i, lines[i])
		}
	}
	if lines[len(lines)-1] != in[5] {
		t.Errorf("last line %s", lines[len(lines)-1])
	}
	var got strings.Builder
	for i, l := range lines[5 : 5+nrace] {
		var e Event
		dec := json.NewDecoder(strings.NewReader(l))
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("race line %d: %v", i, err)
		}
		if e.Action != "output" || e.Package != "example.com/m" || e.Test != "TestA" || e.Time.IsZero() {
			t.Errorf("race event %d: %+v", i, e)
		}
		if (i == 0) != (e.Gocsan != nil) {
			t.Errorf("event %d: Gocsan %+v", i, e.Gocsan)
		}
		got.WriteString(e.Output)
	}
	if got.String() != text {
		t.Errorf("race output:\n%s\nwant:\n%s", got.String(), text)
	}
	if n := len(s.Events()); n != 5 {
		t.Errorf("Events: %d, want the 5 JSON lines passed through", n)
	}
	if s.Races() != 1 {
		t.Errorf("Races = %d", s.Races())
	}
}

func TestReadEventsNamesBadLines(t *testing.T) {
	in := "{\"Action\":\"run\",\"Test\":\"TestA\"}\nnot json\n{\"Action\":\n"
	ev, errs := ReadEvents(strings.NewReader(in), "run.json")
	if len(ev) != 1 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "run.json:3:") {
		t.Errorf("events %v errs %v", ev, errs)
	}
}

// TestRealStacks runs the hand-instrumented racy package under go test
// -json and checks that each race is attributed to the test that caused
// it, including the race that fires after its test returned.
func TestRealStacks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on testdata")
	}
	reports, events := runRacy(t)
	byTest := map[string]int{}
	for _, r := range reports {
		_, test := Attribute(r)
		byTest[test]++
		if strings.Contains(r.Title, "Counter") && test != "TestCounterRace" {
			t.Errorf("%s attributed to %q", r.Title, test)
		}
		if strings.Contains(r.Title, "Flag") && test != "TestLateStart" {
			t.Errorf("%s attributed to %q", r.Title, test)
		}
	}
	if byTest["TestCounterRace"] == 0 || byTest["TestLateStart"] == 0 {
		t.Errorf("races by test %v, want both TestCounterRace and TestLateStart", byTest)
	}
	var out bytes.Buffer
	s := NewStream(&out)
	for _, l := range bytes.SplitAfter(events, []byte("\n")) {
		if len(l) > 0 {
			if err := s.Event(l); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, r := range reports {
		if _, err := s.Race(r); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.HasPrefix(out.Bytes(), events) {
		t.Error("go test -json events not passed through unchanged")
	}
	// Every line is a test2json event, as go tool test2json's consumers
	// decode them.
	evs, errs := ReadEvents(bytes.NewReader(out.Bytes()), "merged")
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	races := 0
	for _, e := range evs {
		if e.Action == "" {
			t.Errorf("event without Action: %+v", e)
		}
		if e.Gocsan != nil {
			races++
		}
	}
	if races != s.Races() || races == 0 {
		t.Errorf("%d race events, %d races", races, s.Races())
	}
}

// runRacy runs testdata/racy with every access watched and returns its
// reports and its go test -json output.
func runRacy(t *testing.T) ([]*report.Report, []byte) {
	t.Helper()
	dir := t.TempDir()
	jsonPath := filepath.Join(dir, "reports.jsonl")
	cmd := exec.Command("go", "test", "-count=1", "-json", "./testdata/racy")
	cmd.Env = append(os.Environ(), "GOCSAN=skip=1 delay=1ms report_once_in=0 unknown_origin=0 json_path="+jsonPath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go test: %v\n%s%s", err, out, stderr.Bytes())
	}
	f, err := os.Open(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reports, errs := report.ReadJSON(f, jsonPath)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	return reports, out
}

func TestTailReadsCompleteLinesOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	tail := &Tail{Path: path}
	if rs, errs := tail.Next(); len(rs) != 0 || len(errs) != 0 {
		t.Fatalf("missing file: %v %v", rs, errs)
	}
	line, _ := report.MarshalLine(sampleRace("TestA"))
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Write(line)
	f.Write([]byte("garbage\n"))
	f.Write(line[:10])
	rs, errs := tail.Next()
	if len(rs) != 1 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "r.jsonl:2:") {
		t.Fatalf("first read: %d reports, errors %v", len(rs), errs)
	}
	f.Write(line[10:])
	f.Write([]byte("\n{bad\n"))
	rs, errs = tail.Next()
	if len(rs) != 1 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "r.jsonl:5:") {
		t.Fatalf("second read: %d reports, errors %v", len(rs), errs)
	}
}

// TestFollowLive streams a real go test -json run through a Stream that
// follows the run's reports file, as gocsan test -json does: each race
// appears before its package's result.
func TestFollowLive(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on testdata")
	}
	jsonPath := filepath.Join(t.TempDir(), "reports.jsonl")
	cmd := exec.Command("go", "test", "-count=1", "-json", "./testdata/racy")
	cmd.Env = append(os.Environ(), "GOCSAN=skip=1 delay=1ms report_once_in=0 unknown_origin=0 json_path="+jsonPath)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	s := NewStream(&out)
	s.Follow(jsonPath, func(err error) { t.Error(err) })
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if err := s.Event(sc.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	evs, errs := ReadEvents(&out, "stream")
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	last := evs[len(evs)-1]
	if last.Test != "" || last.Action != "pass" {
		t.Errorf("last event %+v, want the package's result", last)
	}
	seen := map[string]bool{}
	for _, e := range evs {
		if e.Gocsan != nil {
			seen[e.Test] = true
		}
	}
	if !seen["TestCounterRace"] || !seen["TestLateStart"] || s.Races() < 2 {
		t.Errorf("races attributed to %v (%d races)", seen, s.Races())
	}
}

func TestTextWriterQuietAndVerbose(t *testing.T) {
	in := []string{
		`{"Action":"start","Package":"p"}`,
		`{"Action":"run","Package":"p","Test":"TestOK"}`,
		`{"Action":"output","Package":"p","Test":"TestOK","Output":"=== RUN   TestOK\n"}`,
		`{"Action":"output","Package":"p","Test":"TestOK","Output":"--- PASS: TestOK (0.00s)\n"}`,
		`{"Action":"pass","Package":"p","Test":"TestOK"}`,
		`{"Action":"run","Package":"p","Test":"TestBad"}`,
		`{"Action":"output","Package":"p","Test":"TestBad","Output":"=== RUN   TestBad\n"}`,
		`{"Action":"output","Package":"p","Test":"TestBad","Output":"    bad_test.go:3: boom\n"}`,
		`{"Action":"output","Package":"p","Test":"TestBad","Output":"--- FAIL: TestBad (0.00s)\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestBad"}`,
		`{"Action":"output","Package":"p","Output":"FAIL\n"}`,
		`{"Action":"output","Package":"p","Output":"FAIL\tp\t0.01s\n"}`,
		`{"Action":"fail","Package":"p"}`,
		`# p [p.test]`,
	}
	render := func(verbose bool) string {
		var b bytes.Buffer
		w := NewTextWriter(&b, verbose)
		for _, l := range in {
			if err := w.Event([]byte(l)); err != nil {
				t.Fatal(err)
			}
		}
		return b.String()
	}
	quiet := "=== RUN   TestBad\n    bad_test.go:3: boom\n--- FAIL: TestBad (0.00s)\nFAIL\nFAIL\tp\t0.01s\n# p [p.test]\n"
	if got := render(false); got != quiet {
		t.Errorf("quiet:\n%s\nwant:\n%s", got, quiet)
	}
	if got := render(true); !strings.HasPrefix(got, "=== RUN   TestOK\n--- PASS: TestOK (0.00s)\n=== RUN   TestBad\n") {
		t.Errorf("verbose:\n%s", got)
	}
}
