package racy

import "sync"

type tally struct {
	mu    sync.Mutex
	total *int
}

// add has a value receiver: each call locks its own copy of the mutex,
// which excludes nobody.
//
//go:noinline
func (t tally) add(d int) {
	t.mu.Lock()
	*t.total += d // race:CopiedMutex
	t.mu.Unlock()
}

// addSafe has a pointer receiver: one mutex.
//
//go:noinline
func (t *tally) addSafe(d int) {
	t.mu.Lock()
	*t.total += d
	t.mu.Unlock()
}

// CopiedMutex calls add from two goroutines.
func CopiedMutex() int {
	total := 0
	t := tally{total: &total}
	both(func(j int) { t.add(j) })
	return total
}

// CopiedMutexSafe calls addSafe from two goroutines.
func CopiedMutexSafe() int {
	total := 0
	t := &tally{total: &total}
	both(func(j int) { t.addSafe(j) })
	return total
}

// both runs f(0..n-1) in two goroutines at once and waits for them.
func both(f func(j int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for j := 0; j < n; j++ {
				f(j)
			}
		}()
	}
	close(start)
	wg.Wait()
}
