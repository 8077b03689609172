package runtime

import (
	"sync/atomic"
	"unsafe"

	"github.com/gocsan/gocsan/runtime/record"
)

// accessType has the bits of KCSAN's KCSAN_ACCESS_* flags.
type accessType uint8

const (
	accessWrite    accessType = 1 << 0 // absence means read
	accessCompound accessType = 1 << 1 // read-modify-write, always with accessWrite
	accessAtomic   accessType = 1 << 2 // marked: sync/atomic
	accessAssert   accessType = 1 << 3 // assertion pseudo-access
	accessScoped   accessType = 1 << 4 // scoped assertion, printed "(reordered)"
)

// numWatchpoints is KCSAN's CONFIG_KCSAN_NUM_WATCHPOINTS. The table has
// numSlots-1 extra entries so that a page's window [slot, slot+2] never
// wraps, avoiding a modulo on the hot path.
const numWatchpoints = 64

// maxInt32 is math.MaxInt32 (package math is outside the import closure).
const maxInt32 = 1<<31 - 1

var (
	// watchpoints is the slot table. Every word is accessed atomically;
	// the state machine per slot is
	//   0 --insert CAS--> encoded --hit CAS--> 1 --watcher Store--> 0
	//   encoded --watcher Swap--> 1 --watcher Store--> 0
	// and only the watcher that inserted a word ever frees its slot, after
	// its report is done, so the slot's rendezvous channel is its own.
	watchpoints [numWatchpoints + numSlots - 1]atomic.Uint64

	// owners holds, for a slot armed by a scoped assertion, the id of the
	// goroutine that owns the scope (0 otherwise): its own accesses inside
	// the scope must not hit its own watchpoint. Written before the
	// slot's word is published and cleared after it is freed.
	owners [numWatchpoints + numSlots - 1]atomic.Int64

	// rendezvous carries the hitting goroutine's access to the watcher:
	// exactly one send per successful hit CAS, received by the watcher
	// that armed the slot before it frees the slot.
	rendezvous [numWatchpoints + numSlots - 1]chan *record.Access

	// armed counts watchpoints in the table. The fast path reads it and
	// only scans the table when it is non-zero.
	armed atomic.Int32

	// armedLimit is armed folded into the per-site fast path (site.go):
	// 0 while no watcher is delaying, MaxInt32 otherwise. Reordered
	// watchpoints in flight (lingerCount) are left out: they can stay
	// armed for reorder_window after every sample, and making every hot
	// access check the table all that time would cost more than the
	// delays themselves. Cold sites, sampled accesses, marked accesses
	// and the uniform hooks still check them (they look at armed).
	armedLimit atomic.Int32

	// enabled mirrors Options.Enabled for the slow paths.
	enabled atomic.Bool
)

func init() {
	for i := range rendezvous {
		rendezvous[i] = make(chan *record.Access, 1)
	}
}

// watchpointSlot is the first slot of addr's three-slot window; the
// middle one is the page's primary slot.
func watchpointSlot(addr uintptr) int {
	return int((addr / slotRange) % numWatchpoints)
}

// checkWatchpoints is find_watchpoint plus the consumer slow path: it
// looks for an armed watchpoint conflicting with this access and, if one
// is found, claims it. It reports whether a watchpoint was found.
func checkWatchpoints(addr, size uintptr, typ accessType) bool {
	base := watchpointSlot(addr)
	// A read only conflicts with a write watchpoint; a write with any.
	expectWrite := typ&accessWrite == 0
	for i := 0; i < numSlots; i++ {
		slot := base + i
		// Relaxed would do as in KCSAN: the CAS below revalidates.
		w := watchpoints[slot].Load()
		wAddr, wSize, wWrite, ok := decodeWatchpoint(w)
		if !ok || (expectWrite && !wWrite) {
			continue
		}
		if !matchingAccess(wAddr, wSize, uintptr(uint64(addr)&watchpointAddrMask), size) {
			continue
		}
		if foundWatchpoint(addr, size, typ, slot, w) {
			return true
		}
	}
	return false
}

// foundWatchpoint is KCSAN's kcsan_found_watchpoint: keep the time spent
// here small, the watcher's window is closing.
//
// It reports whether the access is done with: false when the watchpoint
// was a reordered access that turned out to be out of scope, so that the
// access goes on to be sampled as if nothing had been found.
func foundWatchpoint(addr, size uintptr, typ accessType, slot int, encoded uint64) bool {
	if !enabled.Load() {
		return true
	}
	if owner := owners[slot].Load(); owner != 0 && owner == goid() {
		// The owner of a scoped assertion or reordered access: no
		// race with itself, but the happens-before detector must
		// still see the access (a write after a read of the same
		// variable, in flight, is the first access of many races).
		if hbOn.Load() {
			hbAccess(addr, size, typ)
		}
		return true
	}
	if disabledForCurrent() {
		return true
	}
	// The CAS pairs with the watcher's Swap: exactly one of them moves the
	// slot from encoded to consumed. If we win, the watcher will wait for
	// our access on the slot's rendezvous channel.
	if watchpoints[slot].CompareAndSwap(encoded, consumedWatchpoint) {
		// lingers is stored before a reordered watchpoint is
		// re-published (reorder.go), so a successful CAS sees it.
		if li := lingers[slot].Load(); li != nil {
			if !hitLinger(slot, li, addr, size, typ) {
				return false
			}
		} else {
			rendezvous[slot] <- captureAccess(addr, size, typ)
		}
	} else {
		count(ReportRaces)
	}
	if typ&accessAssert != 0 {
		count(AssertFailures)
	} else {
		count(DataRaces)
	}
	return true
}

// insertWatchpoint claims one of addr's three slots, middle first, then
// the right, then the left one (KCSAN's insert order), and returns it.
//
// owner, if non-zero, is stored after the slot is won: only the owner
// itself could be confused by the brief window in which it is still zero,
// and the owner is busy right here.
func insertWatchpoint(addr, size uintptr, isWrite bool, owner int64) (int, bool) {
	encoded := encodeWatchpoint(addr, size, isWrite)
	base := watchpointSlot(addr)
	for i := 0; i < numSlots; i++ {
		slot := base + (i+checkAdjacent)%numSlots
		if watchpoints[slot].Load() != invalidWatchpoint {
			expireLinger(slot)
			if watchpoints[slot].Load() != invalidWatchpoint {
				continue
			}
		}
		// armed must be non-zero before the slot can be seen, see
		// checkAccess.
		armed.Add(1)
		syncArmedLimit()
		if watchpoints[slot].CompareAndSwap(invalidWatchpoint, encoded) {
			if owner != 0 {
				owners[slot].Store(owner)
			}
			return slot, true
		}
		armed.Add(-1)
		syncArmedLimit()
	}
	return 0, false
}

// removeWatchpoint frees a slot after its report is done.
func removeWatchpoint(slot int) {
	owners[slot].Store(0)
	watchpoints[slot].Store(invalidWatchpoint)
	armed.Add(-1)
	syncArmedLimit()
}

// syncArmedLimit follows armed into armedLimit. Two goroutines changing
// armed may store in the other order than they counted; re-reading armed
// after the store and storing again until it is stable leaves the last
// store agreeing with the last count.
func syncArmedLimit() {
	for {
		a, l := armed.Load(), lingerCount.Load()
		limit := int32(0)
		if a != l {
			limit = maxInt32
		}
		armedLimit.Store(limit)
		if armed.Load() == a && lingerCount.Load() == l {
			return
		}
	}
}

// valueChange is KCSAN's kcsan_value_change.
type valueChange int

const (
	valueMaybe valueChange = iota // unchanged: maybe a race, maybe not
	valueFalse                    // certainly no reportable race
	valueTrue                     // the value changed
)

// setupWatchpoint is the watcher slow path (kcsan_setup_watchpoint): arm
// a watchpoint on this access, delay, and report what happened meanwhile.
// mask restricts value-change detection to some bits (AssertExclusiveBits).
func setupWatchpoint(addr, size uintptr, typ accessType, mask uint64) {
	o := opts()
	if !o.Enabled {
		return
	}
	count(SampledAccesses)
	if !encodable(size) {
		count(UnencodableAccesses)
		return
	}
	isAssert := typ&accessAssert != 0
	isWrite := typ&accessWrite != 0
	if o.AssumePlainWritesAtomic && !isAssert && isWrite && typ&accessCompound == 0 &&
		size <= 8 && addr%size == 0 {
		return
	}
	if disabledForCurrent() {
		return
	}
	slot, ok := insertWatchpoint(addr, size, isWrite, 0)
	if !ok {
		count(NoCapacity)
		return
	}
	count(SetupWatchpoints)
	countN(UsedWatchpoints, 1)

	// sp marks where this goroutine's stack is. Captured and
	// address-taken locals live on the stack; if the runtime moves the
	// stack while we delay (a GC shrinks stacks of parked goroutines),
	// the watched address becomes someone else's memory, and what we
	// would see there is no race.
	var marker byte
	sp := uintptr(unsafe.Pointer(&marker))
	old, hasValue := readValue(addr, size)
	delayAccess(o, typ)
	if uintptr(unsafe.Pointer(&marker)) != sp {
		if watchpoints[slot].Swap(consumedWatchpoint) == consumedWatchpoint {
			<-rendezvous[slot]
		}
		removeWatchpoint(slot)
		countN(UsedWatchpoints, -1)
		return
	}
	cur, _ := readValue(addr, size)

	diff := old ^ cur
	if mask != 0 {
		diff &= mask
	}
	change := valueMaybe
	if hasValue && diff != 0 {
		change = valueTrue
	}

	// The Swap pairs with a hitter's CAS: if it returns consumed, the
	// hitter's access is on its way through the rendezvous channel.
	encoded := encodeWatchpoint(addr, size, isWrite)
	if watchpoints[slot].Swap(consumedWatchpoint) == consumedWatchpoint {
		other := <-rendezvous[slot]
		switch {
		case change == valueMaybe && mask != 0:
			change = valueFalse
		case change == valueMaybe && (size > 8 || isAssert):
			change = valueTrue
		}
		if isAssert && change == valueTrue {
			count(AssertFailures)
		}
		reportKnownOrigin(o, addr, size, typ, other, change, old, cur, hasValue, mask)
	} else if change == valueTrue {
		count(RacesUnknownOrigin)
		if isAssert {
			count(AssertFailures)
		}
		if o.UnknownOrigin || isAssert {
			reportUnknownOrigin(addr, size, typ, old, cur, mask)
		}
	} else if o.Reorder && !isAssert && mask == 0 && !onStack(addr, sp) {
		// Nothing happened during the delay: keep the access in flight
		// until this goroutine's next barrier (reorder.go). The slot
		// stays in use.
		linger(o, slot, encoded, addr, size, typ)
		return
	}
	// Free the slot only after reporting: its rendezvous channel and
	// owner word are ours until then.
	removeWatchpoint(slot)
	countN(UsedWatchpoints, -1)
}

// delayAccess keeps the watchpoint armed: KCSAN's delay_access, a
// randomized delay in (d/2, d] for read-write accesses and assertions and
// in (0, d] otherwise, in real time (sleepReal), within the goroutine's
// share of its delay window (delayWindowLimit).
func delayAccess(o *Options, typ accessType) {
	d := o.Delay
	if d <= 0 {
		return
	}
	if o.DelayRandomize {
		skew := uint(0)
		if typ&(accessCompound|accessAssert) != 0 {
			skew = 1
		}
		d -= Duration(prandom(uint32(min(int64(d>>skew), 1<<31))))
	}
	if d = delayWindowLimit(o, d); d <= 0 {
		// The goroutine has had its share of delays in this window:
		// the watchpoint is armed and checked without waiting.
		count(DelayBudgetSkips)
		return
	}
	spent := sleepReal(d)
	countN(DelayNanoseconds, int64(spent))
	chargeDelay(spent)
	chargeDelayWindow(o, spent)
}

// readValue reads the watched memory for value-change detection, for the
// sizes a single load covers (KCSAN's read_instrumented_memory).
//
// The read is racy by design. go:norace keeps Go's race detector (which
// checks gocsan's own tests) from reporting it, and go:nocheckptr allows
// turning the uintptr back into a pointer: the memory is live, the
// instrumented code is about to access it.
//
//go:norace
//go:nocheckptr
func readValue(addr, size uintptr) (uint64, bool) {
	p := *(*unsafe.Pointer)(unsafe.Pointer(&addr))
	switch size {
	case 1:
		return uint64(*(*uint8)(p)), true
	case 2:
		return uint64(*(*uint16)(p)), true
	case 4:
		return uint64(*(*uint32)(p)), true
	case 8:
		return *(*uint64)(p), true
	}
	return 0, false
}

// onStack guesses whether addr is in the current goroutine's stack, at or
// above sp and within 1MiB of it (the frames of the callers). A reordered
// access outlives the watcher's frame, and a stack address may by then
// belong to another goroutine's moved stack; a heap address that happens
// to fall in the range is only not kept in flight.
func onStack(addr, sp uintptr) bool {
	return addr >= sp && addr-sp < 1<<20
}
