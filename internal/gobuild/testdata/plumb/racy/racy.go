// Package racy is the plumbing test's module: the test rewriter turns
// each /*W:x*/ comment into a runtime.Write of x, standing in for the
// real instrumenter.
package racy

import "sync"

var counter int

// Bump writes counter from two goroutines at once, n times each.
func Bump(n int) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := 0; i < n; i++ {
				/*W:counter*/ counter++
			}
		}()
	}
	close(start)
	wg.Wait()
}

// Guarded does the same under a mutex.
func Guarded(n int) int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n; i++ {
				mu.Lock()
				/*W:total*/ total++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return total
}
