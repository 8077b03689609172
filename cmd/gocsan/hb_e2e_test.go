package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gocsan/gocsan/report"
)

// hbProfiles are the profiles the happens-before tests run under.
var hbProfiles = []string{"default", "ci"}

// TestHBTwins runs testdata/hb's race-free twins, one per edge of the Go
// memory model (go statements, channels, locks, WaitGroup, Once, Cond,
// sync.Map, Pool, atomics, AfterFunc, finalizers, context, pipes, TCP,
// os/exec, net/http, subtests, an uninstrumented dependency's queue),
// 50 times at GOMAXPROCS 1 and 2 under each profile, with the
// happens-before detector on and every access sampled: no report, every
// twin passes.
func TestHBTwins(t *testing.T) {
	t.Parallel()
	dir := abs(t, "../../testdata/hb")
	for _, profile := range hbProfiles {
		jsonPath := filepath.Join(t.TempDir(), "reports.jsonl")
		env := []string{"GOCSAN=hb=1 skip=1 report_once_in=0 json_path=" + jsonPath}
		out, code := gocsan(t, dir, env, "test", "-profile="+profile, "-count=50", "-cpu=1,2", "-run=^TestSafe", "-v", ".")
		if code != 0 {
			t.Errorf("%s: exit code %d, want 0", profile, code)
		}
		if n := strings.Count(out, "--- PASS: TestSafe"); n < 50*2*20 {
			t.Errorf("%s: %d twin runs passed, want every one of at least %d", profile, n, 50*2*20)
		}
		for _, r := range readReports(t, jsonPath) {
			t.Errorf("%s: false report %q (%s) at %v", profile, r.Title, r.Detection, topLines(r))
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", profile, out)
		}
	}
}

// hbFound are the racy cases of testdata/hb the happens-before detector
// finds in every run when every access is sampled and no garbage
// collection separates the two accesses. Not OneTimeSetup: its first
// access is followed by a close, which publishes (docs/engine.md).
var hbFound = []string{"LockSleepRead", "FlagAfterSleep", "DoubleChecked", "GoThenWrite", "Subtests"}

// TestHBCases runs testdata/hb's racy cases — two accesses that never
// overlap in time, which no watchpoint can see — three times at
// GOMAXPROCS 1 and 2 under each profile. Deterministic by settings:
// every access sampled, GOGC=off (records do not outlive a garbage
// collection, see runtime/hb_memory.go). Each case of hbFound must fail
// every time with a happens-before report naming its marked lines; no
// report may name other lines.
func TestHBCases(t *testing.T) {
	t.Parallel()
	dir := abs(t, "../../testdata/hb")
	cases := raceMarkers(t, dir)
	marked := map[string]string{}
	for name, lines := range cases {
		for _, l := range lines {
			marked[l] = name
		}
	}
	for _, profile := range hbProfiles {
		jsonPath := filepath.Join(t.TempDir(), "reports.jsonl")
		env := []string{"GOGC=off", "GOCSAN=hb=1 skip=1 report_once_in=0 reorder=0 json_path=" + jsonPath}
		out, code := gocsan(t, dir, env, "test", "-profile="+profile, "-count=3", "-cpu=1,2", "-run=^TestRacy", "-v", ".")
		if code != 1 {
			t.Errorf("%s: exit code %d, want 1", profile, code)
		}
		for _, name := range hbFound {
			if n := strings.Count(out, "--- FAIL: TestRacy"+name+" "); n != 6 {
				t.Errorf("%s: TestRacy%s failed %d times of 6", profile, name, n)
			}
		}
		found := map[string]int{}
		for _, r := range readReports(t, jsonPath) {
			lines := topLines(r)
			name := marked[lines[0]]
			if r.Kind == report.KindUnknownOrigin && name != "" {
				continue // a value changed under a watchpoint on a racing line
			}
			want := append([]string(nil), cases[name]...)
			sort.Strings(want)
			if name == "" || fmt.Sprint(lines) != fmt.Sprint(want) {
				t.Errorf("%s: report %q at %v matches no racy case's marked lines", profile, r.Title, lines)
				continue
			}
			if r.Detection == report.DetectedHappensBefore {
				found[name]++
			}
		}
		for _, name := range hbFound {
			if found[name] < 6 {
				t.Errorf("%s: %s: %d happens-before reports over 6 runs", profile, name, found[name])
			}
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", profile, out)
		}
	}
}
