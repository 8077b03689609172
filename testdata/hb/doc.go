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
// fall in time, neither is ordered before the other.
package hb

import "time"

// gap is the wait between the two accesses of a race.
const gap = 2 * time.Millisecond
