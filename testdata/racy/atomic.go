package racy

import (
	"sync"
	"sync/atomic"
)

// MixedAtomic increments a counter atomically in one goroutine and
// resets it with a plain store in another. The incrementer runs n times
// and on until the resets are done: marked accesses never arm
// watchpoints, so only the plain side can catch the race, and it must not
// miss a short burst of increments that a busy scheduler ran before its
// first watch; the n increments keep the race there for -race, whose
// resets may all be done before the incrementer first runs.
func MixedAtomic() int64 {
	var wg sync.WaitGroup
	start := make(chan struct{})
	var hits int64
	var done atomic.Bool
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n || !done.Load(); j++ {
			atomic.AddInt64(&hits, 1) // race:MixedAtomic
		}
	}()
	close(start)
	for j := 0; j < n; j++ {
		hits = 0 // race:MixedAtomic
	}
	done.Store(true)
	wg.Wait()
	return atomic.LoadInt64(&hits)
}

// MixedAtomicSafe uses atomics on both sides.
func MixedAtomicSafe() int64 {
	var wg sync.WaitGroup
	start := make(chan struct{})
	var hits int64
	var done atomic.Bool
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n || !done.Load(); j++ {
			atomic.AddInt64(&hits, 1)
		}
	}()
	close(start)
	for j := 0; j < n; j++ {
		atomic.StoreInt64(&hits, 0)
	}
	done.Store(true)
	wg.Wait()
	return atomic.LoadInt64(&hits)
}
