package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gocsan/gocsan/report"
)

// End-to-end tests: they build the gocsan binary once and run it on
// small modules under testdata, through the real go command. The first
// instrumented build rebuilds the standard library once (about 20s on two
// cores); later ones hit the build cache.

var (
	buildOnce sync.Once
	gocsanBin string
	buildErr  error
)

func gocsanBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the gocsan binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gocsan-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		gocsanBin = filepath.Join(dir, "gocsan")
		out, err := exec.Command("go", "build", "-o", gocsanBin, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return gocsanBin
}

// gocsan runs the gocsan binary in dir with extra environment entries and
// returns its combined output and exit code.
func gocsan(t *testing.T, dir string, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(gocsanBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("gocsan %s: %v", strings.Join(args, " "), err)
		}
		code = ee.ExitCode()
	}
	return string(out), code
}

func abs(t *testing.T, path string) string {
	t.Helper()
	p, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var markerRE = regexp.MustCompile(`// race:(\w+)`)

// raceMarkers reads the "// race:Name" comments of the racy catalogue:
// for each racy function, the file:line of its racing accesses.
func raceMarkers(t *testing.T, dir string) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for line := 1; sc.Scan(); line++ {
			for _, m := range markerRE.FindAllStringSubmatch(sc.Text(), -1) {
				cases[m[1]] = append(cases[m[1]], fmt.Sprintf("%s:%d", filepath.Base(f), line))
			}
		}
	}
	if len(cases) == 0 {
		t.Fatalf("no race markers in %s", dir)
	}
	return cases
}

// topLines returns the sorted file:line of each access's top frame.
func topLines(r *report.Report) []string {
	var lines []string
	for _, a := range r.Accesses {
		top := a.Top()
		lines = append(lines, fmt.Sprintf("%s:%d", filepath.Base(top.File), top.Line))
	}
	sort.Strings(lines)
	return lines
}

func readReports(t *testing.T, path string) []*report.Report {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reports, errs := report.ReadJSON(f, path)
	for _, e := range errs {
		t.Error(e)
	}
	return reports
}

// TestRacyCatalogue runs gocsan test -profile=ci on testdata/racy twice
// over (-count=2): every racy function must be reported with exactly the
// two lines its markers name and its test must fail both times; no
// race-free twin may be reported or fail. GOCSAN watches every access
// with a long delay (skip=1 delay=1ms), which makes detection
// deterministic: both sides of each race loop after a common start, so
// one side's armed watchpoint is always hit by the other.
func TestRacyCatalogue(t *testing.T) {
	dir := abs(t, "../../testdata/racy")
	cases := raceMarkers(t, dir)
	jsonPath := filepath.Join(t.TempDir(), "reports.jsonl")
	env := []string{"GOCSAN=skip=1 delay=1ms report_once_in=0 json_path=" + jsonPath}
	out, code := gocsan(t, dir, env, "test", "-profile=ci", "-count=2", "-v", ".")
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	for name := range cases {
		if n := strings.Count(out, "--- FAIL: TestRacy"+name+" "); n != 2 {
			t.Errorf("TestRacy%s failed %d times of 2", name, n)
		}
		if n := strings.Count(out, "--- PASS: TestSafe"+name+" "); n != 2 {
			t.Errorf("TestSafe%s passed %d times of 2", name, n)
		}
	}
	if strings.Contains(out, "--- FAIL: TestSafe") {
		t.Errorf("a race-free twin failed")
	}
	if !regexp.MustCompile(`(?m)^gocsan: \d+ races in 1 package \(example.com/racy\)$`).MatchString(out) {
		t.Errorf("no summary line")
	}

	marked := map[string]string{} // file:line -> case
	for name, lines := range cases {
		for _, l := range lines {
			marked[l] = name
		}
	}
	found := map[string]int{}
	reports := readReports(t, jsonPath)
	for _, r := range reports {
		lines := topLines(r)
		switch r.Kind {
		case report.KindDataRace:
			name := marked[lines[0]]
			want := append([]string(nil), cases[name]...)
			if len(want) == 1 {
				want = append(want, want[0])
			}
			sort.Strings(want)
			if name == "" || strings.Join(lines, " ") != strings.Join(want, " ") {
				t.Errorf("report %q at %v matches no racy function's marked lines", r.Title, lines)
				continue
			}
			found[name]++
		case report.KindUnknownOrigin:
			// A value changed under a watchpoint with no instrumented
			// access hitting it; allowed only on a marked racing line.
			if marked[lines[0]] == "" {
				t.Errorf("unknown-origin report %q at %v is on no marked racing line", r.Title, lines)
			}
		default:
			t.Errorf("unexpected report kind %s: %s", r.Kind, r.Title)
		}
	}
	for name, lines := range cases {
		if found[name] < 2 {
			t.Errorf("%s (%v): %d reports over 2 runs, want at least 2", name, lines, found[name])
		}
	}
	t.Logf("%d cases, %d reports", len(cases), len(reports))
	if t.Failed() {
		t.Logf("gocsan output:\n%s", out)
	}
}
