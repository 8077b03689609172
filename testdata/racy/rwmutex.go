package racy

import "sync"

type cache struct {
	mu   sync.RWMutex
	data map[string]int
	hits int
}

// get counts a hit while holding only the read lock, which other readers
// share.
func (c *cache) get(k string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	c.hits++ // race:RWMutex
	return c.data[k]
}

// getSafe takes the write lock to count.
func (c *cache) getSafe(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hits++
	return c.data[k]
}

// RWMutex reads the cache from two goroutines.
func RWMutex() int {
	c := &cache{data: map[string]int{"a": 1}}
	both(func(int) { c.get("a") })
	return c.hits
}

// RWMutexSafe does the same with getSafe.
func RWMutexSafe() int {
	c := &cache{data: map[string]int{"a": 1}}
	both(func(int) { c.getSafe("a") })
	return c.hits
}
