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

// TestHBCases runs testdata/hb's racy cases — two accesses that never
// overlap in time, which no watchpoint can see: a write under a lock and
// a read after a sleep, a flag set in a callback, double-checked
// initialization, a one-time setup racing with its first use, a write
// after a go statement, two parallel subtests — three times at
// GOMAXPROCS 1 and 2 under each profile. Deterministic by settings
// (every access sampled): each case must fail every time with a
// report naming its marked lines, by the happens-before detector at
// least once; no report may name other lines.
func TestHBCases(t *testing.T) {
	gocsanBinary(t) // skips in -short mode, before the deferred check
	t.Parallel()
	dir := abs(t, "../../testdata/hb")
	cases := raceMarkers(t, dir)
	marked := map[string]string{}
	for name, lines := range cases {
		for _, l := range lines {
			marked[l] = name
		}
	}
	byHB := map[string]int{} // reports seen by the happens-before detector
	defer func() {
		// With every access watched, a watchpoint may see a race
		// first (it is reported once), but not every time.
		for name := range cases {
			if byHB[name] == 0 {
				t.Errorf("%s: no report by happens-before", name)
			}
		}
	}()
	for _, profile := range hbProfiles {
		jsonPath := filepath.Join(t.TempDir(), "reports.jsonl")
		// HB_GAP: see testdata/hb/doc.go.
		env := []string{"HB_GAP=20ms", "GOCSAN=hb=1 skip=1 report_once_in=0 json_path=" + jsonPath}
		out, code := gocsan(t, dir, env, "test", "-profile="+profile, "-count=3", "-cpu=1,2", "-run=^TestRacy", "-v", ".")
		if code != 1 {
			t.Errorf("%s: exit code %d, want 1", profile, code)
		}
		for name := range cases {
			if n := strings.Count(out, "--- FAIL: TestRacy"+name+" "); n != 6 {
				t.Errorf("%s: TestRacy%s failed %d times of 6", profile, name, n)
			}
		}
		found := map[string]int{}
		for _, r := range readReports(t, jsonPath) {
			lines := topLines(r)
			name := marked[lines[0]]
			if r.Kind == report.KindUnknownOrigin && name != "" {
				found[name]++ // a value changed under a watchpoint on a racing line
				continue
			}
			want := append([]string(nil), cases[name]...)
			sort.Strings(want)
			if name == "" || fmt.Sprint(lines) != fmt.Sprint(want) {
				t.Errorf("%s: report %q at %v matches no racy case's marked lines", profile, r.Title, lines)
				continue
			}
			found[name]++
			if r.Detection == report.DetectedHappensBefore {
				byHB[name]++
			}
		}
		for name := range cases {
			if found[name] < 6 {
				t.Errorf("%s: %s: %d reports over 6 runs", profile, name, found[name])
			}
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", profile, out)
		}
	}
}
