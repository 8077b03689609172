package runtime

import "unsafe"

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
//     recorded access is compared only with accesses of the same GC
//     cycle: the runtime counts a cycle (memstats.numgc) before it
//     restarts the world to sweep, so memory freed by a cycle is reused
//     only once the count has moved on. Races whose accesses a GC
//     separates are missed; a GC does not reuse live memory, so what is
//     compared is one variable.

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
