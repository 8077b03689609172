package racy

import "sync"

// box is a generic container.
type box[T any] struct {
	mu sync.Mutex
	v  T
}

func (b *box[T]) set(v T) {
	b.v = v // race:Generic
}

func (b *box[T]) setSafe(v T) {
	b.mu.Lock()
	b.v = v
	b.mu.Unlock()
}

// Generic sets one box[string] from two goroutines.
func Generic() string {
	b := &box[string]{}
	both(func(j int) { b.set(names[j%len(names)]) })
	return b.v
}

// GenericSafe does the same under the box's mutex.
func GenericSafe() string {
	b := &box[string]{}
	both(func(j int) { b.setSafe(names[j%len(names)]) })
	return b.v
}

var names = []string{"alpha", "beta", "gamma"}
