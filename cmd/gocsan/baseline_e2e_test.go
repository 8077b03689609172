package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/baseline"
)

// A module with one race and one test that fails when told to.
var baselineModule = map[string]string{
	"go.mod": "module example.com/basefail\n\ngo 1.21\n",
	"count.go": `package basefail

import "sync"

func Count() int {
	n := 0
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				n++
			}
		}()
	}
	wg.Wait()
	return n
}
`,
	"count_test.go": `package basefail

import (
	"os"
	"testing"
)

func TestCount(t *testing.T) { Count() }

func TestWrong(t *testing.T) {
	if os.Getenv("BASEFAIL") != "" {
		t.Error("wrong answer")
	}
}
`,
}

// TestTestBaseline: gocsan test -baseline leaves the baseline's races out
// of the outputs and fails only for new races or for failures that are
// not races. The baseline comes from a first run; a second run's exit
// status and SARIF must agree with which of its races the baseline
// holds; a test failing for another reason fails the run even when
// every race is in the baseline.
func TestTestBaseline(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, text := range baselineModule {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	opts := "GOCSAN=skip=1 delay=1ms delay_budget=0 report_once_in=0 reorder=0 json_path="
	first := filepath.Join(out, "first.jsonl")
	if o, code := gocsan(t, dir, []string{opts + first}, "test", "-count=3", "-run=^TestCount$", "."); code != 1 {
		t.Fatalf("first run: exit %d, want 1 (a race)\n%s", code, o)
	}
	base := filepath.Join(out, "base.json")
	if o, code := gocsan(t, dir, nil, "report", "baseline", "-o", base, first); code != 0 {
		t.Fatalf("report baseline: %d\n%s", code, o)
	}
	b, err := baseline.ReadFile(base)
	if err != nil || len(b.Entries) == 0 {
		t.Fatalf("baseline %v, %d entries", err, len(b.Entries))
	}

	second := filepath.Join(out, "second.jsonl")
	sarifPath, junitPath := filepath.Join(out, "second.sarif"), filepath.Join(out, "second.xml")
	o, code := gocsan(t, dir, []string{opts + second}, "test", "-count=3", "-run=^TestCount$",
		"-baseline="+base, "-sarif="+sarifPath, "-junit="+junitPath, ".")
	all, _ := report.Dedup(readReports(t, second))
	var fresh []*report.Report
	for _, r := range all {
		if !b.Contains(r) {
			fresh = append(fresh, r)
		}
	}
	if len(all) == len(fresh) {
		t.Fatalf("the second run found none of the baseline's races (%d races)\n%s", len(all), o)
	}
	if want := map[bool]int{true: 0, false: 1}[len(fresh) == 0]; code != want {
		t.Errorf("second run: exit %d with %d new races, want %d\n%s", code, len(fresh), want, o)
	}
	if !strings.Contains(o, "races are in baseline") {
		t.Errorf("the run does not say how many races the baseline held:\n%s", o)
	}
	data, err := os.ReadFile(sarifPath)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct{ Results []json.RawMessage }
	}
	if err := json.Unmarshal(data, &log); err != nil || len(log.Runs) != 1 || len(log.Runs[0].Results) != len(fresh) {
		t.Errorf("SARIF: %v; want %d results (the new races), have %s", err, len(fresh), data)
	}
	junitData, err := os.ReadFile(junitPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh) == 0 && strings.Contains(string(junitData), "<failure") {
		t.Errorf("JUnit has failures though every race is in the baseline:\n%s", junitData)
	}

	// A baseline that cannot be read is a usage error, before any test runs.
	if o, code := gocsan(t, dir, nil, "test", "-baseline="+filepath.Join(out, "missing.json"), "."); code != 2 || !strings.Contains(o, "-baseline:") {
		t.Errorf("a missing baseline: exit %d, want 2 and the flag named\n%s", code, o)
	}

	third := filepath.Join(out, "third.jsonl")
	o, code = gocsan(t, dir, []string{opts + third, "BASEFAIL=1"}, "test", "-count=1", "-baseline="+base, ".")
	if code != 1 {
		t.Errorf("a failing test with baselined races: exit %d, want 1\n%s", code, o)
	}
	if rs := readReports(t, third); len(rs) > 0 && !strings.Contains(o, "TestWrong failed for a reason other than a race") {
		t.Errorf("the run does not name the test that failed for another reason:\n%s", o)
	}
}
