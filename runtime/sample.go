package runtime

import (
	"sync/atomic"
	_ "unsafe" // for go:linkname
)

// Sampling: KCSAN keeps one skip counter per CPU. The Go equivalent is one
// per P, reached through runtime.procPin, which returns the current P's id
// and keeps the goroutine on it until procUnpin. Each counter sits on its
// own cache line, so goroutines on different Ps never write a shared line
// on the hot path.

//go:linkname procPin runtime.procPin
func procPin() int

//go:linkname procUnpin runtime.procUnpin
func procUnpin()

//go:linkname cheaprand runtime.cheaprand
func cheaprand() uint32

const maxPs = 256 // counters beyond this many Ps are shared, which is only slower

type skipCounter struct {
	// n is atomic although a pinned goroutine has its P to itself: Go's
	// own race detector, which checks gocsan's tests, sees no
	// happens-before through procPin and would report plain accesses.
	n atomic.Int64
	_ [56]byte
}

var skipCounters [maxPs]skipCounter

// shouldWatch decrements this P's skip counter and reports whether it ran
// out, in which case the caller sets up a watchpoint (and resets it).
func shouldWatch() bool {
	p := procPin()
	n := skipCounters[p%maxPs].n.Add(-1)
	procUnpin()
	return n <= 0
}

// resetSkip draws the next skip count: uniform in [1, skip] with
// skip_randomize, else skip (KCSAN's reset_kcsan_skip).
func resetSkip(o *Options) {
	n := int64(o.Skip)
	if o.SkipRandomize && n > 1 {
		n = 1 + int64(prandom(uint32(n)))
	}
	p := procPin()
	skipCounters[p%maxPs].n.Store(n)
	procUnpin()
}

// prandom returns a pseudo-random number in [0, n); runtime.cheaprand is
// per-M state, cheap and needs no locking.
func prandom(n uint32) uint32 {
	if n == 0 {
		return 0
	}
	return cheaprand() % n
}
