package runtime

import (
	"sync/atomic"
	_ "unsafe" // for go:linkname
)

// Ending the process without package os.

//go:linkname beforeExit os.runtime_beforeExit
func beforeExit(exitCode int)

//go:linkname sysExit syscall.Exit
func sysExit(code int)

// exitFunc, when set, ends the process in place of beforeExit and
// sysExit: a test binary registers os.Exit, whose checks (go test's
// -test.paniconexit0) then apply to exits made through the engine too.
var exitFunc atomic.Pointer[func(int)]

// SetExit makes the engine end the process by calling exit, which must
// behave as os.Exit. gocsan's test main registers os.Exit itself.
func SetExit(exit func(int)) { exitFunc.Store(&exit) }

// exitProcess ends the process as os.Exit(code) does: the exit hooks run
// (coverage data is written), then the process exits.
func exitProcess(code int) {
	if f := exitFunc.Load(); f != nil {
		(*f)(code)
	}
	beforeExit(code)
	sysExit(code)
}
