package timing

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// TestDeadline is a timing test of the usual kind: a worker must answer
// within a deadline. Its work is 800 access sites run for the first
// time, microseconds of work, which -race slows down uniformly and
// still meets the deadline. gocsan watches every new site, with a delay;
// its per-goroutine bound on delays (delay_window) keeps those delays
// from piling up in the worker (800 delays of up to 500us under
// -profile=ci take over 150ms without it, about 60ms with it).
func TestDeadline(t *testing.T) {
	done := make(chan time.Duration, 1)
	go func() {
		start := time.Now()
		touchAll()
		done <- time.Since(start)
	}()
	select {
	case d := <-done:
		t.Logf("the worker took %v", d)
	case <-time.After(150 * time.Millisecond):
		// Wait for the worker all the same: a worker left running would
		// race with the next run's.
		t.Errorf("the worker missed its 150ms deadline (it took %v)", <-done)
	}
}

// TestSynctestTimers runs goroutines with timers and a mutex in a
// synctest bubble, as prometheus client_golang's TestTimerObserve does:
// gocsan's delays must neither advance the bubble's fake clock nor
// leave it waiting on them, so the fake durations come out exact.
func TestSynctestTimers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var observed []time.Duration
		start := time.Now()
		var wg sync.WaitGroup
		for i := 1; i <= 3; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(time.Duration(i) * time.Second)
				mu.Lock()
				observed = append(observed, time.Since(start))
				mu.Unlock()
			}()
		}
		timer := time.NewTimer(10 * time.Second)
		wg.Wait()
		synctest.Wait()
		if got := time.Since(start); got != 3*time.Second {
			t.Errorf("after the goroutines' sleeps the clock is at %v, want 3s", got)
		}
		mu.Lock()
		for i, d := range observed {
			if d != time.Duration(i+1)*time.Second {
				t.Errorf("goroutine %d observed %v, want %ds", i, d, i+1)
			}
		}
		mu.Unlock()
		<-timer.C
		if got := time.Since(start); got != 10*time.Second {
			t.Errorf("after the 10s timer the clock is at %v", got)
		}
	})
}
