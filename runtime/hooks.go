package runtime

// The entry points instrumented code calls, one per kind of access. This
// file is the hot path: what every instrumented access runs when no
// watchpoint is armed is checkAccess down to shouldWatch, a load of one
// read-mostly word and a decrement of a per-P counter.
//
// Addresses are uintptr, not unsafe.Pointer, so that instrumentation never
// makes a variable escape to the heap.

// Read is a plain read of size bytes at addr.
func Read(addr, size uintptr) { checkAccess(addr, size, 0) }

// Write is a plain write of size bytes at addr.
func Write(addr, size uintptr) { checkAccess(addr, size, accessWrite) }

// ReadWrite is a plain read-modify-write (x++, x += y).
func ReadWrite(addr, size uintptr) { checkAccess(addr, size, accessCompound|accessWrite) }

// AtomicRead is a marked read (sync/atomic Load).
//
// Marked accesses never arm watchpoints, so with nothing armed they have
// nothing to do: the check is inlined into the caller. armed counts the
// reordered watchpoints in flight too, which an atomic operation, a full
// barrier, must end; and with happens-before detection on, every atomic
// operation publishes (hb_sync.go).
func AtomicRead(addr, size uintptr) {
	if armed.Load() != 0 || hbOn.Load() {
		atomicSlow(addr, size, accessAtomic)
	}
}

// AtomicWrite is a marked write (sync/atomic Store).
func AtomicWrite(addr, size uintptr) {
	if armed.Load() != 0 || hbOn.Load() {
		atomicSlow(addr, size, accessAtomic|accessWrite)
	}
}

// AtomicReadWrite is a marked read-modify-write (Add, Swap, CompareAndSwap,
// And, Or), counted as such even when a CompareAndSwap fails, as KCSAN does.
func AtomicReadWrite(addr, size uintptr) {
	if armed.Load() != 0 || hbOn.Load() {
		atomicSlow(addr, size, accessAtomic|accessCompound|accessWrite)
	}
}

//go:noinline
func atomicSlow(addr, size uintptr, typ accessType) { checkAccess(addr, size, typ) }

// ReadRange is a bulk plain read (copy source, string conversion, append's
// read of its operand). Sizes beyond what a watchpoint encodes are
// truncated, as KCSAN truncates memcpy.
func ReadRange(addr, size uintptr) { checkAccess(addr, clampRange(size), 0) }

// WriteRange is a bulk plain write (copy destination, clear, append).
func WriteRange(addr, size uintptr) { checkAccess(addr, clampRange(size), accessWrite) }

// ReadB is Read usable inside an expression (a loop condition, the right
// operand of &&); it always returns true.
func ReadB(addr, size uintptr) bool { checkAccess(addr, size, 0); return true }

// WriteB is Write usable inside an expression; it always returns true.
func WriteB(addr, size uintptr) bool { checkAccess(addr, size, accessWrite); return true }

func clampRange(size uintptr) uintptr {
	if size > maxEncodableSize {
		return maxEncodableSize
	}
	return size
}

// checkAccess is KCSAN's check_access.
func checkAccess(addr, size uintptr, typ accessType) {
	if size == 0 {
		// Zero-sized accesses never race (KCSAN's selftest shows the
		// interval test would otherwise match them).
		return
	}
	// armed pairs with the Add in setupWatchpoint: a watcher increments it
	// before publishing its slot, so any access that can observe the slot
	// after publication also observes a non-zero count. An access that
	// misses a watchpoint armed concurrently with it was not concurrent
	// with the watcher's delay window, so nothing is lost.
	if armed.Load() != 0 && checkWatchpoints(addr, size, typ) {
		return
	}
	if typ&accessAtomic != 0 {
		// Marked accesses never set up watchpoints and do not consume
		// the skip budget. sync/atomic operations are sequentially
		// consistent: a full barrier for the reordering model.
		Release()
		return
	}
	if shouldWatch() {
		resetSkip(opts())
		if delayAllowed() {
			setupWatchpoint(addr, size, typ, 0)
		}
		if hbOn.Load() && typ&accessAssert == 0 {
			hbAccess(addr, size, typ) // after the watchpoint: see hbAfterWatch
		}
	}
}
