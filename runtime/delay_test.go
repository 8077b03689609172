package runtime

import (
	"testing"
	"testing/synctest"
	"time"
	"unsafe"
)

// A goroutine's delays are bounded per window: once it has spent its
// share, it is not delayed until the window restarts, and a goroutine
// hashed elsewhere has its own share.
func TestDelayWindowLimit(t *testing.T) {
	configureFor(t, "delay_budget=0.1 delay_window=50ms delay_window_share=0.5")
	o := opts()
	w := &delayWindows[uint64(goid())%delayWindowSlots]
	w.start.Store(nanotime())
	w.spent.Store(0)
	if got := delayWindowLimit(o, Millisecond); got != Millisecond {
		t.Fatalf("fresh window: %v allowed, want 1ms", got)
	}
	chargeDelayWindow(o, 24*Millisecond)
	if got := delayWindowLimit(o, 5*Millisecond); got != Millisecond {
		t.Errorf("1ms of the 25ms share left: %v allowed of 5ms", got)
	}
	chargeDelayWindow(o, Millisecond)
	if got := delayWindowLimit(o, Millisecond); got != 0 {
		t.Errorf("share spent: %v allowed", got)
	}
	type result struct {
		id      int64
		allowed Duration
	}
	other := make(chan result)
	go func() { other <- result{goid(), delayWindowLimit(o, Millisecond)} }()
	// Goroutines whose ids hash to the same window share it (one time
	// in delayWindowSlots): then there is nothing to check.
	if r := <-other; r.id%delayWindowSlots != goid()%delayWindowSlots && r.allowed != Millisecond {
		t.Errorf("another goroutine: %v allowed, want its own share", r.allowed)
	}
	// The window restarts once its length has passed in real time.
	w.start.Store(nanotime() - int64(50*Millisecond))
	if got := delayWindowLimit(o, Millisecond); got != Millisecond {
		t.Errorf("after the window: %v allowed, want 1ms", got)
	}

	configureFor(t, "delay_budget=0 delay_window=50ms")
	w.spent.Store(int64(Hour))
	if got := delayWindowLimit(opts(), Millisecond); got != Millisecond {
		t.Errorf("delay_budget=0 bounds nothing, got %v", got)
	}
}

// Inside a synctest bubble, delays are real time: they neither advance
// the bubble's fake clock (a sleeping watcher would be durably blocked,
// and the bubble's clock would jump) nor hang (a watcher spinning until
// the fake clock moved would wait forever). Both the sleeping (1ms) and
// the spinning (100us) delay lengths are tried.
func TestDelayInSynctestBubble(t *testing.T) {
	for _, delay := range []string{"1ms", "100us"} {
		t.Run(delay, func(t *testing.T) {
			configureFor(t, "skip=1 delay="+delay+" delay_randomize=0 delay_budget=0 unknown_origin=0")
			d, _ := time.ParseDuration(delay)
			synctest.Test(t, func(t *testing.T) {
				var v int64
				start, realStart := time.Now(), nanotime()
				for range 5 {
					Read(uintptr(unsafe.Pointer(&v)), 8)
				}
				if got := time.Since(start); got != 0 {
					t.Errorf("the bubble's clock advanced %v during delays", got)
				}
				if got := time.Duration(nanotime() - realStart); got < 5*d {
					t.Errorf("5 delays of %v took %v of real time", d, got)
				}
				// The bubble's timers still work as they should.
				timer := time.NewTimer(time.Second)
				<-timer.C
				if got := time.Since(start); got != time.Second {
					t.Errorf("after a 1s timer the bubble's clock is at %v", got)
				}
			})
		})
	}
}

// inBubble tells goroutines in a synctest bubble from the others, and a
// goroutine's answer stays its own after it was cached.
func TestInBubble(t *testing.T) {
	if inBubble() {
		t.Fatal("a test's goroutine is not in a bubble")
	}
	synctest.Test(t, func(t *testing.T) {
		for range 2 { // the second answer comes from the cache
			if !inBubble() {
				t.Fatal("synctest.Test's goroutine is in a bubble")
			}
		}
		child := make(chan bool)
		go func() { child <- inBubble() }()
		if !<-child {
			t.Error("a goroutine started in a bubble is in it")
		}
	})
	outside := make(chan bool)
	go func() { outside <- inBubble() }()
	if <-outside || inBubble() {
		t.Error("goroutines outside the bubble are not in one")
	}
}
