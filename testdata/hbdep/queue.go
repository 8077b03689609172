// Package hbdep is a dependency of example.com/hb that gocsan does not
// instrument (it is outside the main module): its synchronization is
// invisible to the happens-before detector, which must still order what
// passes through it.
package hbdep

import "sync"

// Queue is an unbounded blocking queue.
type Queue struct {
	mu    sync.Mutex
	cond  sync.Cond
	items []any
}

// New returns an empty queue.
func New() *Queue {
	q := &Queue{}
	q.cond.L = &q.mu
	return q
}

// Put appends v.
func (q *Queue) Put(v any) {
	q.mu.Lock()
	q.items = append(q.items, v)
	q.mu.Unlock()
	q.cond.Signal()
}

// Get removes and returns the first item, waiting for one.
func (q *Queue) Get() any {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

// Forward waits for done to be closed, then puts v into q: a receive
// from the caller's channel that gocsan does not see.
func Forward(done <-chan struct{}, q *Queue, v any) {
	<-done
	q.Put(v)
}
