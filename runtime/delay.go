package runtime

import (
	"runtime"
	"sync/atomic"
)

// Delays are real time, whatever clock the delayed goroutine sees.
//
// Inside a testing/synctest bubble, time.Now and time.Sleep use the
// bubble's fake clock: a watcher sleeping there would be durably blocked
// (the bubble's clock jumps ahead by the delay, which the test sees) and
// one spinning until time.Since(start) >= d would never stop, because
// the fake clock stands still while a goroutine of the bubble runs. So
// the engine reads the runtime's monotonic clock (nanotime, clock.go),
// which no bubble fakes, and a goroutine in a bubble spins (yielding)
// for its delay rather than sleeping.

// bubbleCache remembers for recent goroutines whether they run in a
// synctest bubble: goid<<1 | 1 if so, goid<<1 if not, indexed by a hash
// of the id. A goroutine is put in a bubble when it is created and never
// leaves it, and ids are never reused, so an entry holding the caller's
// id is the answer; a collision only costs a new look-up. Stores and
// loads pair with each other only as a cache: each value stands alone.
var bubbleCache [256]atomic.Uint64

// inBubble reports whether the calling goroutine is in a synctest
// bubble. The runtime says so only in the goroutine's traceback header
// ("goroutine 7 [running, synctest bubble 1]:"; the symbols the time
// package uses to read the bubble's clock are closed to linkname), so
// the header is read once per goroutine and cached.
func inBubble() bool {
	id := goid()
	e := &bubbleCache[uint64(id)%uint64(len(bubbleCache))]
	if v := e.Load(); v>>1 == uint64(id) {
		return v&1 == 1
	}
	var buf [128]byte
	n := runtime.Stack(buf[:], false)
	header := string(buf[:n])
	if i := index(header, "\n"); i >= 0 {
		header = header[:i]
	}
	in := index(header, ", synctest bubble ") >= 0
	v := uint64(id) << 1
	if in {
		v |= 1
	}
	e.Store(v)
	return in
}

// sleepReal blocks the calling goroutine for d of real time and returns
// how long it took. Long delays outside a bubble sleep, giving the P to
// the goroutine that may hit the watchpoint; short ones, and every delay
// in a bubble, spin with Gosched, which lets the others run as well.
func sleepReal(d Duration) Duration {
	start := nanotime()
	if d >= 200*Microsecond && !inBubble() {
		sleep(int64(d))
	} else {
		for Duration(nanotime()-start) < d {
			runtime.Gosched()
		}
	}
	return Duration(nanotime() - start)
}

// Each goroutine's delays are bounded per window of real time: within
// any delay_window, the delays of one goroutine add up to at most
// delay_window_share of it (when delay_budget bounds delays at all).
// The process-wide budget (budget.go) bounds the total but not where it
// lands: its burst and the exemption of a site's first samples could put
// tens of milliseconds of delay into one goroutine's critical stretch, and a test whose timing assumptions hold
// under -race (a uniform slowdown, 2x to 20x) would fail. With the
// window bound a goroutine's work of duration T takes at most
// T/(1-share) plus one window's share, at any moment of the run: about
// twice as long with the default share of 0.5.
//
// Goroutines share windows by a hash of their id: a collision makes two
// goroutines share one bound, which only delays less.
const delayWindowSlots = 1024

type delayWindow struct {
	// start is the nanotime the window began; spent the delay charged to
	// it. Both are read and written by the goroutines hashed here; a
	// charge that races with the window's restart is lost or kept, which
	// errs by at most one delay.
	start, spent atomic.Int64
}

var delayWindows [delayWindowSlots]delayWindow

// delayWindowLimit returns how much of d the calling goroutine may
// delay now, d itself when the bound is off.
func delayWindowLimit(o *Options, d Duration) Duration {
	if o.DelayBudget == 0 || o.DelayWindow <= 0 {
		return d
	}
	w := &delayWindows[uint64(goid())%delayWindowSlots]
	now := nanotime()
	if start := w.start.Load(); now-start >= int64(o.DelayWindow) {
		if w.start.CompareAndSwap(start, now) {
			w.spent.Store(0)
		}
	}
	left := Duration(float64(o.DelayWindow)*o.DelayWindowShare) - Duration(w.spent.Load())
	if left <= 0 {
		return 0
	}
	return min(d, left)
}

// chargeDelayWindow takes a finished delay out of the calling
// goroutine's window.
func chargeDelayWindow(o *Options, d Duration) {
	if o.DelayBudget == 0 || o.DelayWindow <= 0 {
		return
	}
	delayWindows[uint64(goid())%delayWindowSlots].spent.Add(int64(d))
}
