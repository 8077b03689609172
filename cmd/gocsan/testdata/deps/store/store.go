// Package store is an ordered set filled concurrently: a btree guarded by
// a mutex, written by an errgroup's goroutines. gocsan's end-to-end test
// instruments it together with its two dependencies.
package store

import (
	"context"
	"sync"

	"github.com/google/btree"
	"golang.org/x/sync/errgroup"
)

// Set is a concurrency-safe ordered set of ints.
type Set struct {
	mu sync.Mutex
	t  *btree.BTreeG[int]
}

// New returns an empty set.
func New() *Set {
	return &Set{t: btree.NewOrderedG[int](8)}
}

// Add inserts v.
func (s *Set) Add(v int) {
	s.mu.Lock()
	s.t.ReplaceOrInsert(v)
	s.mu.Unlock()
}

// Len returns the number of elements.
func (s *Set) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t.Len()
}

// Fill adds 0..n-1 from workers goroutines of an errgroup.
func Fill(ctx context.Context, s *Set, n, workers int) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i := 0; i < n; i++ {
		v := i
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			s.Add(v)
			return nil
		})
	}
	return g.Wait()
}
