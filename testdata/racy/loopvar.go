package racy

import "sync"

// LoopVar captures the loop variable in goroutines: under go 1.21 every
// goroutine reads the one variable i that the loop keeps incrementing.
func LoopVar() []int {
	var wg sync.WaitGroup
	sums := make([]int, n)
	for i := 0; i < n; i++ { // race:LoopVar
		wg.Add(1)
		go func(slot int) {
			defer wg.Done()
			sums[slot] = i // race:LoopVar
		}(i)
	}
	wg.Wait()
	return sums
}

// LoopVarSafe passes the loop variable as an argument.
func LoopVarSafe() []int {
	var wg sync.WaitGroup
	sums := make([]int, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(slot, v int) {
			defer wg.Done()
			sums[slot] = v
		}(i, i)
	}
	wg.Wait()
	return sums
}
