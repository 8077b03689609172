package sanitizer

import (
	"unsafe"

	"github.com/gocsan/gocsan/report"
	rt "github.com/gocsan/gocsan/runtime"
	"github.com/gocsan/gocsan/runtime/record"
)

// AssertExclusiveWriter asserts that while the caller runs this check, no
// other goroutine writes *p (readers are allowed). Use it where the code
// relies on being the only writer, for example of a field only written
// under a lock but read locklessly.
func AssertExclusiveWriter[T any](p *T) {
	rt.AssertExclusiveWriter(uintptr(unsafe.Pointer(p)), unsafe.Sizeof(*p))
}

// AssertExclusiveAccess asserts that no other goroutine reads or writes *p
// concurrently.
func AssertExclusiveAccess[T any](p *T) {
	rt.AssertExclusiveAccess(uintptr(unsafe.Pointer(p)), unsafe.Sizeof(*p))
}

// AssertExclusiveBits asserts that no other goroutine changes the bits of
// mask in *p concurrently; other bits may change freely.
func AssertExclusiveBits[T ~int8 | ~int16 | ~int32 | ~int64 | ~int | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uint | ~uintptr](p *T, mask uint64) {
	rt.AssertExclusiveBits(uintptr(unsafe.Pointer(p)), unsafe.Sizeof(*p), mask)
}

// Scope is an assertion held over a region of code; End it, typically
// with defer.
type Scope = rt.Scope

// AssertExclusiveWriterScoped asserts AssertExclusiveWriter for the whole
// region until the returned Scope's End:
//
//	defer sanitizer.AssertExclusiveWriterScoped(&s.state).End()
func AssertExclusiveWriterScoped[T any](p *T) *Scope {
	return rt.AssertExclusiveWriterScoped(uintptr(unsafe.Pointer(p)), unsafe.Sizeof(*p))
}

// AssertExclusiveAccessScoped asserts AssertExclusiveAccess for the whole
// region until the returned Scope's End.
func AssertExclusiveAccessScoped[T any](p *T) *Scope {
	return rt.AssertExclusiveAccessScoped(uintptr(unsafe.Pointer(p)), unsafe.Sizeof(*p))
}

// DataRace runs f with race checking off for the current goroutine: its
// accesses neither set up nor hit watchpoints (KCSAN's data_race()). Mark
// intentional races with it, such as a diagnostic read of a statistic;
// keep it narrow so new accesses added nearby are still checked. For a
// whole function or statement the //gocsan:ignore directive does the same
// at no runtime cost.
func DataRace(f func()) {
	rt.DisableCurrent()
	defer rt.EnableCurrent()
	f()
}

// Options are the engine's tunables; see docs/options.md.
type Options = rt.Options

// DefaultOptions returns the defaults, before GOCSAN is applied.
func DefaultOptions() Options { return rt.DefaultOptions() }

// CurrentOptions returns the options in force.
func CurrentOptions() Options { return rt.CurrentOptions() }

// ParseOptions applies a GOCSAN-style string to base.
func ParseOptions(base Options, s string) (Options, error) { return rt.ParseOptions(base, s) }

// Configure replaces the options in force.
func Configure(o Options) error { return rt.Configure(o) }

// OnReport calls fn with every report the program prints, in the goroutine
// that found it; fn must not block. The returned function unsubscribes.
func OnReport(fn func(*report.Report)) (cancel func()) {
	return rt.Subscribe(func(r *record.Report) { fn(report.FromRecord(r)) })
}

// CaptureReports makes reports go only to OnReport's functions (not
// printed, not counted, no effect on the exit status) until the returned
// function is called: for tests that provoke races on purpose and check
// them with OnReport, so that they pass under gocsan test.
func CaptureReports() (release func()) { return rt.CaptureReports() }

// Reports returns the number of reports printed so far.
func Reports() uint64 { return rt.Reports() }

// Stats returns the engine's counters by their KCSAN names
// (used_watchpoints, setup_watchpoints, data_races, assert_failures,
// no_capacity, report_races, races_unknown_origin, unencodable_accesses,
// encoding_false_positives) and gocsan's own (reports_printed,
// reports_suppressed, delay_nanoseconds).
func Stats() map[string]int64 { return rt.Stats() }
