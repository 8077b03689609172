package main

import (
	"strings"
	"testing"
)

// TestTimingAssumptions runs testdata/timing, race-free tests whose timing
// holds under go test -race: a worker's deadline (met only because
// delays are bounded per goroutine per window of real time) and a
// testing/synctest bubble (where delays must not run on the fake clock).
// Both must pass under every profile at GOMAXPROCS 1 and 2.
//
// The deadline is real time, so a machine loaded several times over can
// miss it under any tool: a profile passes when one of three runs does.
// Without the window bound every run misses it (the worker takes over
// twice the deadline on an idle machine), so the retries hide no
// regression. A report fails the test at once.
func TestTimingAssumptions(t *testing.T) {
	t.Parallel()
	dir := abs(t, "../../testdata/timing")
	for _, profile := range []string{"default", "ci"} {
		var failures []string
		for range 3 {
			out, code := gocsan(t, dir, nil, "test", "-profile="+profile, "-count=1", "-cpu=1,2", "./...")
			if strings.Contains(out, "BUG: KCSAN") {
				t.Fatalf("-profile=%s: a report on race-free code\n%s", profile, out)
			}
			if code == 0 {
				failures = nil
				break
			}
			failures = append(failures, out)
		}
		if failures != nil {
			t.Errorf("gocsan test -profile=%s -count=1 -cpu=1,2 failed 3 times; outputs:\n%s", profile, strings.Join(failures, "\n----\n"))
		}
	}
}
