package racy

import (
	"sync"
	"sync/atomic"
)

// MixedAtomic increments a counter atomically in one goroutine and
// resets it with a plain store in another.
func MixedAtomic() int64 {
	var wg sync.WaitGroup
	start := make(chan struct{})
	var hits int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n; j++ {
			atomic.AddInt64(&hits, 1) // race:MixedAtomic
		}
	}()
	close(start)
	for j := 0; j < n; j++ {
		hits = 0 // race:MixedAtomic
	}
	wg.Wait()
	return atomic.LoadInt64(&hits)
}

// MixedAtomicSafe uses atomics on both sides.
func MixedAtomicSafe() int64 {
	var wg sync.WaitGroup
	start := make(chan struct{})
	var hits int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n; j++ {
			atomic.AddInt64(&hits, 1)
		}
	}()
	close(start)
	for j := 0; j < n; j++ {
		atomic.StoreInt64(&hits, 0)
	}
	wg.Wait()
	return atomic.LoadInt64(&hits)
}
