package runtime

import (
	"sync/atomic"
	_ "unsafe" // for go:linkname
)

// Locks for the slow paths, without package sync: under gocsan's std
// instrumentation sync reports its synchronization to the engine
// (internal/race), and the engine's own locks must not.

//go:linkname semacquire sync.runtime_Semacquire
func semacquire(s *uint32)

//go:linkname semrelease sync.runtime_Semrelease
func semrelease(s *uint32, handoff bool, skipframes int)

// mutex is a mutual exclusion lock (Drepper's "futex mutex 2" over the Go
// runtime's semaphores); the zero value is unlocked.
type mutex struct {
	// state is 0 unlocked, 1 locked, 2 locked with possible waiters.
	state atomic.Int32
	sema  uint32
}

func (m *mutex) Lock() {
	// The CAS and Swap acquire what the last Unlock's Store released.
	if m.state.CompareAndSwap(0, 1) {
		return
	}
	for m.state.Swap(2) != 0 {
		semacquire(&m.sema)
	}
}

func (m *mutex) Unlock() {
	// The Add releases the critical section to the next Lock's CAS or
	// Swap; a waiter that saw 2 sleeps on sema until the release below.
	if m.state.Add(-1) != 0 {
		m.state.Store(0)
		semrelease(&m.sema, false, 0)
	}
}

// once runs a function once, like sync.Once.
type once struct {
	done atomic.Bool // set after f returned; pairs with the Load in Do
	mu   mutex
}

func (o *once) Do(f func()) {
	if o.done.Load() {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.done.Load() {
		defer o.done.Store(true)
		f()
	}
}
