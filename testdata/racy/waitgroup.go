package racy

import "sync"

// WaitGroup calls wg.Add inside the goroutine: Wait may return before the
// Add, and the result is read while the goroutine still writes it.
func WaitGroup() int {
	var wg sync.WaitGroup
	start, done := make(chan struct{}), make(chan struct{})
	result := 0
	go func() {
		defer close(done)
		<-start
		wg.Add(1)
		defer wg.Done()
		for j := 0; j < n; j++ {
			result = j // race:WaitGroup
		}
	}()
	wg.Wait() // returns at once: nothing was added yet
	close(start)
	sum := 0
	for j := 0; j < n; j++ {
		sum += result // race:WaitGroup
	}
	<-done
	return sum
}

// WaitGroupSafe adds before starting the goroutine.
func WaitGroupSafe() int {
	var wg sync.WaitGroup
	result := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := 0; j < n; j++ {
			result = j
		}
	}()
	wg.Wait()
	sum := 0
	for j := 0; j < n; j++ {
		sum += result
	}
	return sum
}
