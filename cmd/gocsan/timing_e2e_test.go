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
func TestTimingAssumptions(t *testing.T) {
	t.Parallel()
	dir := abs(t, "../../testdata/timing")
	for _, profile := range []string{"default", "ci"} {
		out, code := gocsan(t, dir, nil, "test", "-profile="+profile, "-count=3", "-cpu=1,2", "./...")
		if code != 0 {
			t.Errorf("gocsan test -profile=%s -count=3 -cpu=1,2: exit %d\n%s", profile, code, out)
		}
		if strings.Contains(out, "BUG: KCSAN") {
			t.Errorf("-profile=%s: a report on race-free code\n%s", profile, out)
		}
	}
}
