package runtime

import "github.com/gocsan/gocsan/runtime/record"

// Assertions (KCSAN's ASSERT_EXCLUSIVE_*): pseudo-accesses that check a
// property of the concurrent code rather than a data race. They go
// through the same sampling as plain accesses, are never treated as
// atomic, report even when the value did not change, and produce
// "assert: race" reports counted in assert_failures.

// AssertExclusiveWriter asserts that no other goroutine writes the size
// bytes at addr concurrently (readers are fine). It behaves as a read.
func AssertExclusiveWriter(addr, size uintptr) {
	checkAccess(addr, size, accessAssert)
}

// AssertExclusiveAccess asserts that no other goroutine reads or writes
// the size bytes at addr concurrently. It behaves as a write.
func AssertExclusiveAccess(addr, size uintptr) {
	checkAccess(addr, size, accessAssert|accessWrite)
}

// AssertExclusiveBits asserts that no other goroutine changes the bits of
// mask in the size bytes at addr concurrently; other bits may change. Only
// a change of the masked bits counts, so a check that hits another
// goroutine's watchpoint proves nothing and is ignored, as in KCSAN.
func AssertExclusiveBits(addr, size uintptr, mask uint64) {
	if size == 0 || mask == 0 {
		return
	}
	if shouldWatch() {
		resetSkip(opts())
		setupWatchpoint(addr, size, accessAssert, mask)
	}
}

// Scope is an assertion that holds for a region of code, from its
// creation until End (use with defer).
//
// KCSAN keeps a per-task list of scoped accesses and re-checks them on
// every runtime entry of the task. Go has no goroutine-local storage the
// fast path could afford to consult, so gocsan instead keeps a watchpoint
// armed for the whole scope, owned by the goroutine that opened it: every
// conflicting access by another goroutine during the scope hits it. The
// report shows the stack where the scope began, typed "(reordered)" as
// KCSAN prints scoped accesses.
type Scope struct {
	slot   int
	armed  bool
	addr   uintptr
	size   uintptr
	typ    accessType
	access *record.Access
}

// AssertExclusiveWriterScoped is AssertExclusiveWriter for a region.
func AssertExclusiveWriterScoped(addr, size uintptr) *Scope {
	return beginScope(addr, size, accessAssert|accessScoped)
}

// AssertExclusiveAccessScoped is AssertExclusiveAccess for a region.
func AssertExclusiveAccessScoped(addr, size uintptr) *Scope {
	return beginScope(addr, size, accessAssert|accessScoped|accessWrite)
}

func beginScope(addr, size uintptr, typ accessType) *Scope {
	s := &Scope{addr: addr, size: size, typ: typ}
	// Check once at the start, as KCSAN's kcsan_begin_scoped_access.
	checkAccess(addr, size, typ&^accessScoped)
	if size == 0 || !enabled.Load() {
		return s
	}
	if !encodable(size) {
		count(UnencodableAccesses)
		return s
	}
	s.access = captureAccess(addr, size, typ)
	slot, ok := insertWatchpoint(addr, size, typ&accessWrite != 0, goid())
	if !ok {
		count(NoCapacity)
		return s
	}
	count(SetupWatchpoints)
	countN(UsedWatchpoints, 1)
	s.slot, s.armed = slot, true
	return s
}

// End closes the scope, reporting any conflicting access that happened
// during it, and checks the assertion once more.
func (s *Scope) End() {
	if s == nil {
		return
	}
	if s.armed {
		s.armed = false
		// Pairs with a hitter's CAS as in setupWatchpoint.
		if watchpoints[s.slot].Swap(consumedWatchpoint) == consumedWatchpoint {
			other := <-rendezvous[s.slot]
			count(AssertFailures)
			if matchingAccess(uintptr(other.Addr), uintptr(other.Size), s.addr, s.size) {
				emit(&record.Report{Kind: record.KindAssert, Accesses: []record.Access{*other, *s.access}, Detection: record.DetectedWatchpoint})
			} else {
				count(EncodingFalsePositives)
			}
		}
		removeWatchpoint(s.slot)
		countN(UsedWatchpoints, -1)
	}
	checkAccess(s.addr, s.size, s.typ&^accessScoped)
}
