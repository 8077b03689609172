// Package hb holds races whose two accesses never overlap in time — a
// write, a wait, then a read — which only the happens-before detector can
// see, and race-free twins ordered by each edge of the Go memory model
// that the detector must respect.
//
// Each racy function marks its two accesses with a "race:" comment
// naming it; its TestRacy test must fail under gocsan with a report naming
// exactly those lines. Every TestSafe* test must pass, with no report.
//
// The waits are sleeps because that is what the races in real test
// suites do; detection does not depend on them: however the accesses
// fall in time, neither is ordered before the other. Each case waits for
// its goroutine after the second access (a close, which orders only its
// receivers), so that the race is seen during its test whichever access
// comes first.
package hb

import (
	"os"
	"time"
)

// gap is the wait between the two accesses of a race: 2ms, or HB_GAP.
// A longer gap (the end-to-end tests') makes it all but certain that the
// first access comes first on a loaded machine too.
var gap = gapFromEnv()

func gapFromEnv() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("HB_GAP")); err == nil && d > 0 {
		return d
	}
	return 2 * time.Millisecond
}
