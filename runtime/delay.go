package runtime

import (
	"runtime"
	"sync/atomic"
	"time"
	_ "unsafe" // for go:linkname
)

// Delays are real time, whatever clock the delayed goroutine sees.
//
// Inside a testing/synctest bubble, time.Now and time.Sleep use the
// bubble's fake clock: a watcher sleeping there would be durably blocked
// (the bubble's clock jumps ahead by the delay, which the test sees) and
// one spinning until time.Since(start) >= d would never stop, because
// the fake clock stands still while a goroutine of the bubble runs. So
// the engine reads the runtime's monotonic clock, and a goroutine in a
// bubble spins (yielding) for its delay rather than sleeping.

// monotime is the runtime's monotonic clock, in nanoseconds, which no
// bubble fakes. (The runtime marks nanotime for go:linkname.)
//
//go:linkname monotime runtime.nanotime
func monotime() int64

// inBubble reports whether the calling goroutine is in a synctest
// bubble: there, and only there, time.Now carries no monotonic clock
// reading (the runtime omits it, so that times from inside and outside a
// bubble are never subtracted by their monotonic readings), and Round(0)
// of a time without one is the same time.
func inBubble() bool {
	now := time.Now()
	return now == now.Round(0)
}

// sleepReal blocks the calling goroutine for d of real time and returns
// how long it took. Long delays outside a bubble sleep, giving the P to
// the goroutine that may hit the watchpoint; short ones, and every delay
// in a bubble, spin with Gosched, which lets the others run as well.
func sleepReal(d time.Duration) time.Duration {
	start := monotime()
	if d >= 200*time.Microsecond && !inBubble() {
		time.Sleep(d)
	} else {
		for time.Duration(monotime()-start) < d {
			runtime.Gosched()
		}
	}
	return time.Duration(monotime() - start)
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
	// start is the monotime the window began; spent the delay charged to
	// it. Both are read and written by the goroutines hashed here; a
	// charge that races with the window's restart is lost or kept, which
	// errs by at most one delay.
	start, spent atomic.Int64
}

var delayWindows [delayWindowSlots]delayWindow

// delayWindowLimit returns how much of d the calling goroutine may
// delay now, d itself when the bound is off.
func delayWindowLimit(o *Options, d time.Duration) time.Duration {
	if o.DelayBudget == 0 || o.DelayWindow <= 0 {
		return d
	}
	w := &delayWindows[uint64(goid())%delayWindowSlots]
	now := monotime()
	if start := w.start.Load(); now-start >= int64(o.DelayWindow) {
		if w.start.CompareAndSwap(start, now) {
			w.spent.Store(0)
		}
	}
	left := time.Duration(float64(o.DelayWindow)*o.DelayWindowShare) - time.Duration(w.spent.Load())
	if left <= 0 {
		return 0
	}
	return min(d, left)
}

// chargeDelayWindow takes a finished delay out of the calling
// goroutine's window.
func chargeDelayWindow(o *Options, d time.Duration) {
	if o.DelayBudget == 0 || o.DelayWindow <= 0 {
		return
	}
	delayWindows[uint64(goid())%delayWindowSlots].spent.Add(int64(d))
}
