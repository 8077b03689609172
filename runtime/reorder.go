package runtime

import (
	"runtime"
	"sync/atomic"

	"github.com/gocsan/gocsan/runtime/record"
)

// Reordering (KCSAN's weak-memory modelling, option reorder). Under the Go
// memory model a plain access may be delayed, by the compiler or by a
// weakly ordered CPU, until the goroutine's next synchronizing operation.
// KCSAN models this by keeping the last watched access "in flight" in the
// task and re-checking it on every later runtime entry of the task until a
// barrier. Go has no goroutine-local storage the fast path could afford,
// so gocsan turns it around: when a watcher's delay ends without a
// report, its watchpoint stays armed, flagged as reordered and owned by
// the goroutine, until that goroutine performs a releasing or full
// barrier. Another goroutine's conflicting access during that time hits it
// and reports a race whose watched access is marked "(reordered)". Both
// schemes catch the same thing: a conflicting access by another goroutine
// while the first access could still be in flight.
//
// Barriers: every sync/atomic operation is sequentially consistent, a
// full barrier; the rewriter calls Release before Mutex and RWMutex
// unlocks, channel sends and closes, WaitGroup.Done, Once.Do and go
// statements. Acquires clear nothing: the model only delays accesses, it
// never makes them happen earlier, as in KCSAN. A lingering watchpoint also
// expires after reorder_window, which bounds what synchronization done by
// uninstrumented code (the standard library) could hide.

// lingerInfo is a reordered watchpoint's access. Most end unhit, so the
// access's stack is kept as program counters (a microsecond, where a
// formatted traceback costs tens: under -profile=ci every cold site's
// sample lingers, and timing tests noticed) and symbolized only for a
// report.
type lingerInfo struct {
	owner    int64
	encoded  uint64
	addr     uintptr
	size     uintptr
	typ      accessType
	pcs      []uintptr
	deadline int64 // nanotime: real time, even in a synctest bubble
}

var (
	// lingers[slot] is non-nil while the slot holds a reordered
	// watchpoint. It is stored before the slot's word is re-published
	// and cleared before the slot is freed.
	lingers     [numWatchpoints + numSlots - 1]atomic.Pointer[lingerInfo]
	lingerCount atomic.Int32
	lingerMu    mutex
	lingeringBy = map[int64][]int{} // owner goroutine -> slots
)

// Release is a releasing barrier of the current goroutine: its reordered
// watchpoints are disarmed. It costs one atomic load while no goroutine
// has one.
//
// With happens-before detection on, it also publishes the goroutine's
// epoch (hb_sync.go): the rewriter calls it before every operation the
// detector does not model exactly.
func Release() {
	if lingerCount.Load() != 0 {
		releaseSlow()
	}
	if hbOn.Load() {
		hbPublish()
	}
}

// releaseReorder is Release for the reordering model only: lock hooks,
// whose happens-before edges are exact, use it.
func releaseReorder() {
	if lingerCount.Load() != 0 {
		releaseSlow()
	}
}

//go:noinline
func releaseSlow() {
	g := goid()
	lingerMu.Lock()
	slots := lingeringBy[g]
	delete(lingeringBy, g)
	lingerMu.Unlock()
	for _, slot := range slots {
		reclaimLinger(slot)
	}
}

// linger keeps a watcher's watchpoint armed as a reordered access. It is
// called by the watcher holding the slot (its word is consumed).
//
// A goroutine has at most one access in flight, as a KCSAN context has one
// reorder access: a newer one replaces it. That also bounds how many slots
// reordered watchpoints can take.
func linger(o *Options, slot int, encoded uint64, addr, size uintptr, typ accessType) bool {
	g := goid()
	var buf [hbMaxDepth]uintptr
	n := fpCallers(buf[:])
	li := &lingerInfo{owner: g, encoded: encoded, addr: addr, size: size, typ: typ | accessScoped,
		pcs: append([]uintptr(nil), buf[:n]...), deadline: nanotime() + int64(o.ReorderWindow)}
	lingerMu.Lock()
	previous := lingeringBy[g]
	lingeringBy[g] = []int{slot}
	lingerMu.Unlock()
	for _, s := range previous {
		reclaimLinger(s)
	}
	lingerCount.Add(1)
	syncArmedLimit()
	owners[slot].Store(g)
	lingers[slot].Store(li)
	// Re-publish the watchpoint; from here a hitter may claim it.
	watchpoints[slot].Store(encoded)
	// A goroutine in a loop without barriers would otherwise keep it in
	// flight until its next sample, and every access of every goroutine
	// pays the table check while anything is armed.
	//
	// Not in a synctest bubble, where the timer would run on the
	// bubble's fake clock and be one more event the bubble waits for:
	// there the window ends when a hitter finds it past its deadline or
	// the goroutine's next barrier or sample replaces it.
	if !inBubble() {
		afterFunc(o.ReorderWindow, func() { endWindow(slot, li) })
	}
	return true
}

// endWindow ends a reordered watchpoint's window. Should the slot have
// been freed and re-used by a newer reordered watchpoint of the same
// address in between, that one ends early, which only loses a chance.
func endWindow(slot int, li *lingerInfo) {
	if lingers[slot].Load() != li || !watchpoints[slot].CompareAndSwap(li.encoded, consumedWatchpoint) {
		return
	}
	freeLinger(slot, li, true)
}

// reclaimLinger disarms a reordered watchpoint unless a hitter claimed it
// first (the hitter then reports and frees it).
func reclaimLinger(slot int) {
	li := lingers[slot].Load()
	if li == nil {
		return
	}
	// Pairs with the hitter's CAS in foundWatchpoint.
	if !watchpoints[slot].CompareAndSwap(li.encoded, consumedWatchpoint) {
		return
	}
	freeLinger(slot, li, false)
}

// freeLinger frees a reordered watchpoint's slot; the caller has moved
// the word to consumed.
func freeLinger(slot int, li *lingerInfo, unregister bool) {
	if unregister {
		lingerMu.Lock()
		slots := lingeringBy[li.owner]
		for i, s := range slots {
			if s == slot {
				slots = append(slots[:i], slots[i+1:]...)
				break
			}
		}
		if len(slots) == 0 {
			delete(lingeringBy, li.owner)
		} else {
			lingeringBy[li.owner] = slots
		}
		lingerMu.Unlock()
	}
	lingers[slot].Store(nil)
	lingerCount.Add(-1)
	removeWatchpoint(slot)
	countN(UsedWatchpoints, -1)
}

// hitLinger is the hitter's side for a reordered watchpoint it claimed:
// the owner is not waiting, so the hitter reports and frees the slot.
//
// It reports whether a race was reported.
func hitLinger(slot int, li *lingerInfo, addr, size uintptr, typ accessType) bool {
	reported := false
	if nanotime() < li.deadline && matchingAccess(li.addr, li.size, addr, size) {
		watched := li.access()
		if to, ok := stillInScope(li.owner, &watched); ok {
			other := captureAccess(addr, size, typ)
			watched.ReorderedTo = to
			emit(&record.Report{Kind: record.KindDataRace, Accesses: []record.Access{*other, watched}, Detection: record.DetectedWatchpoint})
			reported = true
		}
	}
	freeLinger(slot, li, true)
	return reported
}

// access is the reordered access for a report, its stack as a traceback
// shows it (only the frames runtime.Stack prints), cut at max_stack.
func (li *lingerInfo) access() record.Access {
	a := record.Access{
		Op:        opOf(li.typ),
		Marked:    li.typ&accessAtomic != 0,
		Reordered: true,
		Addr:      uint64(li.addr),
		Size:      uint64(li.size),
		Goroutine: li.owner,
		CPU:       -1,
	}
	a.Stack = reportFrames(visibleFrames(li.pcs))
	return a
}

// visibleFrames symbolizes a stack of return addresses, top first, into
// the frames a traceback shows: gocsan's own at the top, wrappers and
// hidden runtime frames removed.
func visibleFrames(pcs []uintptr) []record.Frame {
	frames := shownFrames(pcs)
	for len(frames) > 0 && gocsanFrame(frames[0].Function) {
		frames = frames[1:]
	}
	return frames
}

// shownFrames is visibleFrames with gocsan's own frames kept.
func shownFrames(pcs []uintptr) []record.Frame {
	var out []record.Frame
	it := runtime.CallersFrames(pcs)
	for {
		f, more := it.Next()
		fr := record.Frame{Function: f.Function, File: f.File, Line: f.Line}
		if tracebackShows(fr.Function) && !wrapperFrame(fr) {
			out = append(out, fr)
		}
		if !more {
			break
		}
	}
	return out
}

// wrapperFrame reports whether f is compiler-generated glue that
// tracebacks and runtime.Callers elide: a go or defer statement's
// wrapper (F.gowrap1, F.deferwrap2) or an autogenerated method.
func wrapperFrame(f record.Frame) bool {
	if f.File == "<autogenerated>" {
		return true
	}
	fn := f.Function
	for _, w := range []string{".gowrap", ".deferwrap"} {
		i := lastIndex(fn, w)
		if i < 0 {
			continue
		}
		if digits := fn[i+len(w):]; digits != "" && allDigits(digits) {
			return true
		}
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// tracebackShows reports whether runtime.Stack prints frames of the
// function fn (the Go runtime's showfuncinfo at the default
// GOTRACEBACK): runtime.main and runtime.goexit, for example, it hides.
func tracebackShows(fn string) bool {
	if indexByte(fn, '.') < 0 {
		return false
	}
	if !hasPrefix(fn, "runtime.") {
		return true
	}
	r := fn[len("runtime."):]
	return r != "" && 'A' <= r[0] && r[0] <= 'Z'
}

// stillInScope applies KCSAN's function-scope limit: an access stays in
// flight only until the function that made it returns (after that,
// synchronization in callers gocsan cannot see, such as the testing
// package's, may have ordered it). The owner's current stack is read from
// a traceback of all goroutines, which costs milliseconds but runs only
// when a reordered watchpoint is hit. It returns the owner's current
// frame in that function: where the access was reordered to. It also
// sets the watched access's creation site from that traceback.
func stillInScope(owner int64, a *record.Access) (*record.Frame, bool) {
	watched := a.Stack
	if len(watched) == 0 {
		return nil, false
	}
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	all := string(buf)
	i := index(all, "goroutine "+itoa(owner)+" [")
	if i < 0 {
		return nil, false // the goroutine has exited
	}
	tb := all[i:]
	if j := index(tb, "\n\n"); j >= 0 {
		tb = tb[:j+1]
	}
	var cur record.Access
	parseTraceback(tb, &cur, 1<<20)
	a.CreatedBy, a.CreatorGoroutine = cur.CreatedBy, cur.CreatorGoroutine
	// The watched stack, top frame first, must be the bottom of the
	// current one: the same callers, and the watched function still
	// running in the frame above them.
	// A watched stack cut at max_stack may sit anywhere in the current one.
	truncated := len(watched) >= maxStack()
	for off := len(cur.Stack) - len(watched); off >= 0; off-- {
		match := true
		for k := range watched {
			if cur.Stack[off+k].Function != watched[k].Function {
				match = false
				break
			}
		}
		if match {
			to := cur.Stack[off]
			return &to, true
		}
		if !truncated {
			break
		}
	}
	return nil, false
}

// expireLinger frees the reordered watchpoint in slot: a watchpoint for a
// new access matters more than keeping an old one in flight, and an
// expired one should go anyway. Called when inserting finds a slot busy.
func expireLinger(slot int) {
	li := lingers[slot].Load()
	if li == nil {
		return
	}
	if watchpoints[slot].CompareAndSwap(li.encoded, consumedWatchpoint) {
		freeLinger(slot, li, true)
	}
}

// dropLingers disarms every reordered watchpoint; Configure calls it so
// that accesses kept in flight under old options never outlive them.
func dropLingers() {
	for slot := range lingers {
		if li := lingers[slot].Load(); li != nil {
			if watchpoints[slot].CompareAndSwap(li.encoded, consumedWatchpoint) {
				freeLinger(slot, li, true)
			}
		}
	}
}
