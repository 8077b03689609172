package syncs

import "sync"

type Cache struct {
	mu   sync.RWMutex
	data map[string]int
}

type Embedded struct {
	sync.Mutex
	n int
}

var (
	global   sync.Mutex
	counters [4]sync.Mutex
)

func (c *Cache) Get(k string) int {
	c.mu.RLock()         // want "RLock example.com/syncs.Cache.mu"
	defer c.mu.RUnlock() // want "DeferRUnlock"
	return c.data[k]     // want "Read c.data 8" "Read map c.data 8"
}

func (c *Cache) Put(k string, v int) {
	c.mu.Lock()          // want "Lock example.com/syncs.Cache.mu"
	c.data[k] = v        // want "Read c.data 8" "Write map c.data 8"
	c.mu.Unlock()        // want "Unlock"
	global.Lock()        // want "Lock example.com/syncs.global"
	global.Unlock()      // want "Unlock"
	counters[1].Lock()   // want "Lock example.com/syncs.counters[]"
	counters[1].Unlock() // want "Unlock"
	if c.mu.TryLock() {  // want "TryLock example.com/syncs.Cache.mu"
		c.mu.Unlock() // want "Unlock"
	}
}

func (e *Embedded) Inc() {
	e.Lock()   // want "Lock example.com/syncs.Embedded.Mutex"
	e.n++      // want "ReadWrite e.n 8"
	e.Unlock() // want "Unlock"
	var local sync.Mutex
	local.Lock()   // want "Lock example.com/syncs.Embedded.Inc.local"
	local.Unlock() // want "Unlock"
}

func workers(n int, out chan<- int) {
	var wg sync.WaitGroup
	var once sync.Once
	done := make(chan struct{})
	for i := 0; i < n; i++ { // want "Read i 8" "ReadWrite i 8"
		wg.Add(1)   // want "Release"
		go func() { // want "Release"
			defer wg.Done()    // want "DeferRelease"
			once.Do(func() {}) // want "Release"
			out <- i           // want "Read i 8" "Release"
		}()
	}
	wg.Go(func() {}) // want "Release"
	go func() {      // want "Release"
		defer close(done) // want "DeferRelease"
	}()
	wg.Wait() // acquires only: no barrier
	// done and out are captured but never written.
	<-done     // want "ChanRecv"
	close(out) // want "ChanClose"
	wg.Done()  // want "Release"
}
