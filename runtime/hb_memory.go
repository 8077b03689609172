package runtime

import (
	"sync/atomic"
	"unsafe"
)

// Addresses the happens-before detector must not compare. -race's
// runtime clears shadow memory when the allocator frees or reuses memory;
// gocsan sees neither, so two different variables can show it the same
// address:
//
//   - A goroutine's stack is freed when it exits (and copied when it
//     grows) and reused at once by other goroutines. Stack memory is
//     never shared between goroutines in Go (escape analysis moves
//     anything another goroutine can reach to the heap), so accesses to
//     the current goroutine's own stack are neither checked nor recorded.
//   - Heap memory is reused only after a garbage collection frees it. A
//     recorded access to a heap object keeps a weak handle to the object
//     (the runtime's, as package weak makes them; one per object, taken
//     at its base): the sweeper clears the handle when it frees the
//     object, before its memory can be reused, so a record whose handle
//     is still set is about the object now at that address, however many
//     collections ran in between. Any other recorded access (a global,
//     memory outside the Go heap) is compared only with accesses of the
//     same GC cycle: the runtime counts a cycle (memstats.numgc) before
//     it restarts the world to sweep, so memory freed by a cycle is
//     reused only once the count has moved on.

// onOwnStack reports whether addr is in the current goroutine's stack,
// whose bounds are the first two words of its runtime.g (g.stack.lo and
// g.stack.hi, unchanged since Go 1.4). Without getg, every address
// counts as on the stack: the detector then records nothing rather than
// risk comparing reused stacks.
//
//go:nosplit
//go:nocheckptr
func onOwnStack(addr uintptr) bool {
	g := getg()
	if g == nil {
		return true
	}
	lo := *(*uintptr)(g)
	hi := *(*uintptr)(unsafe.Add(g, unsafe.Sizeof(uintptr(0))))
	return lo <= addr && addr < hi
}

// readGCStats is runtime/debug.ReadGCStats's source in the Go runtime
// (pushed there by the runtime's own go:linkname): pause times, pause
// ends, last GC time, the cycle count, total pause. It takes the heap
// lock for the copy, no stop of the world.
//
//go:linkname readGCStats runtime/debug.readGCStats
func readGCStats(*[]uint64)

// gcStatsLen is what readGCStats may fill: 256 pauses and their ends
// (len(memstats.pause_ns)) and 3 words.
const gcStatsLen = 2*256 + 3

// gcCycles returns the number of completed garbage collections.
func gcCycles() uint32 {
	var buf [gcStatsLen]uint64
	p := buf[:0]
	readGCStats(&p)
	return uint32(p[len(p)-2])
}

// findObject is the Go runtime's lookup of the heap object holding p
// (pushed there by its go:linkname for widely used packages): base is 0
// for memory outside the heap (globals, stacks, mmap'd memory).
//
//go:linkname findObject runtime.findObject
func findObject(p, refBase, refOff uintptr) (base uintptr, s unsafe.Pointer, objIndex uintptr)

// registerWeakPointer is weak.Make's source in the Go runtime (pushed
// there by its go:linkname): the object's weak handle, a word that holds
// the object's address until the sweeper frees the object.
//
//go:linkname registerWeakPointer weak.runtime_registerWeakPointer
func registerWeakPointer(unsafe.Pointer) unsafe.Pointer

// heapHandle returns the weak handle of the heap object holding addr, or
// nil if addr is not in the heap. addr is being accessed: the object is
// live.
//
//go:nocheckptr
func heapHandle(addr uintptr) *atomic.Uintptr {
	base, _, _ := findObject(addr, 0, 0)
	if base == 0 {
		return nil
	}
	return (*atomic.Uintptr)(registerWeakPointer(*(*unsafe.Pointer)(unsafe.Pointer(&base))))
}
