package racy

import (
	"sync"
	"sync/atomic"
)

// Publish sets the ready flag and only then keeps writing the data the
// flag was meant to publish.
func Publish() int {
	var ready atomic.Bool
	var data int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ready.Store(true)
		for j := 0; j < n; j++ {
			data = j // race:Publish
		}
	}()
	for !ready.Load() {
	}
	sum := 0
	for j := 0; j < n; j++ {
		sum += data // race:Publish
	}
	wg.Wait()
	return sum
}

// PublishSafe writes the data, then publishes it; the reader waits for
// the flag.
func PublishSafe() int {
	var ready atomic.Bool
	var data int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := 0; j < n; j++ {
			data = j
		}
		ready.Store(true)
	}()
	for !ready.Load() {
	}
	sum := 0
	for j := 0; j < n; j++ {
		sum += data
	}
	wg.Wait()
	return sum
}
