package runtime

import (
	_ "unsafe" // for go:linkname
)

// raceErrors is testing.gocsanErrorsHook, a hook gocsan's build adds to
// the standard library's testing package (internal/gobuild/racehook.go):
// testing adds what it returns to internal/race.Errors, compares that
// count before and after every test, subtest and parallel test, and
// fails one during which it grew with "race detected during execution
// of test", exactly as under go test -race, with no wrapper frame around
// the test function.
//
// In a build without the hook (a plain go build or go test of this
// package) the variable is this package's own and nothing reads it.
//
//go:linkname raceErrors testing.gocsanErrorsHook
var raceErrors func() int

func init() {
	// init runs before any test starts: the tests that read the hook
	// through internal/race.Errors are ordered after this write.
	raceErrors = func() int { return int(Reports()) }
}
