// Package racybtree reads a btree's length while another goroutine
// inserts, without a lock. Both racing accesses are inside the btree
// package, so gocsan catches the race only when it instruments that
// dependency (-instrument=github.com/google/btree).
package racybtree

import (
	"sync"

	"github.com/google/btree"
)

// Race inserts n items in one goroutine while another calls Len.
func Race(n int) int {
	t := btree.NewOrderedG[int](4)
	var wg sync.WaitGroup
	start := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for i := 0; i < n; i++ {
			t.ReplaceOrInsert(i)
		}
	}()
	close(start)
	total := 0
	for i := 0; i < n; i++ {
		total += t.Len()
	}
	wg.Wait()
	return total
}
