package racy

import "sync"

// Map writes a shared map in one goroutine while another reads it. The
// loops are short: when both map operations really overlap, the Go
// runtime's own check ("concurrent map read and map write") kills the
// program, and gocsan's delays make that rare, not impossible.
func Map() int {
	var wg sync.WaitGroup
	start := make(chan struct{})
	m := map[int]int{}
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n/4; j++ {
			m[j%8] = j // race:Map
		}
	}()
	close(start)
	total := 0
	for j := 0; j < n/4; j++ {
		total += m[j%8] // race:Map
	}
	wg.Wait()
	return total
}

// MapSafe guards the map with a mutex.
func MapSafe() int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := make(chan struct{})
	m := map[int]int{}
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n/4; j++ {
			mu.Lock()
			m[j%8] = j
			mu.Unlock()
		}
	}()
	close(start)
	total := 0
	for j := 0; j < n/4; j++ {
		mu.Lock()
		total += m[j%8]
		mu.Unlock()
	}
	wg.Wait()
	return total
}
