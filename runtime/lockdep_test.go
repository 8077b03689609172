package runtime_test

import (
	"sync"
	"testing"
	"unsafe"

	"github.com/gocsan/gocsan/report"
	rt "github.com/gocsan/gocsan/runtime"
)

// Goroutines taking two classes in opposite orders all at once: the edges
// are added concurrently, and whichever comes second closes the cycle,
// which is reported exactly once. Only the hooks run (no real mutexes), so
// the test cannot deadlock.
func TestLockOrderConcurrentInversion(t *testing.T) {
	got := configureOrdering(t, "lockdep=1")
	ca := rt.NewLockClass("runtime_test.concurrent.a")
	cb := rt.NewLockClass("runtime_test.concurrent.b")
	const n = 16
	var start, done sync.WaitGroup
	start.Add(n)
	done.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			defer done.Done()
			x, y := new(int64), new(int64)
			cx, cy := ca, cb
			if i%2 == 1 {
				cx, cy = cb, ca
			}
			start.Done()
			start.Wait()
			for j := 0; j < 20; j++ {
				rt.Lock(uintptr(unsafe.Pointer(x)), cx)
				rt.Lock(uintptr(unsafe.Pointer(y)), cy)
				rt.Unlock(uintptr(unsafe.Pointer(y)))
				rt.Unlock(uintptr(unsafe.Pointer(x)))
			}
		}()
	}
	done.Wait()
	lr := lockReports(*got)
	if len(lr) != 1 {
		t.Fatalf("got %d lock-order reports, want 1", len(lr))
	}
	for _, a := range lr[0].Accesses {
		if a.Op != report.OpLock || a.LockClass == "" || a.HeldClass == "" || len(a.Stack) == 0 {
			t.Errorf("access %+v", a)
		}
	}
}

// A lock handed from goroutine to goroutine: each unlocks what the
// previous one locked, found in whichever shard holds the locker's locks.
func TestLockOrderHandoffChain(t *testing.T) {
	got := configureOrdering(t, "lockdep=1")
	ca := rt.NewLockClass("runtime_test.chain.a")
	cb := rt.NewLockClass("runtime_test.chain.b")
	var m sync.Mutex
	rt.Lock(uintptr(unsafe.Pointer(&m)), ca)
	m.Lock()
	for i := 0; i < 100; i++ {
		done := make(chan bool)
		go func() {
			rt.Unlock(uintptr(unsafe.Pointer(&m)))
			m.Unlock()
			rt.Lock(uintptr(unsafe.Pointer(&m)), ca)
			m.Lock()
			close(done)
		}()
		<-done
	}
	rt.Unlock(uintptr(unsafe.Pointer(&m)))
	m.Unlock()
	// The test goroutine's first a was unlocked elsewhere: had it stayed
	// held, this b would make an edge a -> b and b then a a cycle.
	rt.Lock(uintptr(unsafe.Pointer(&m)), ca)
	m.Lock()
	done := make(chan bool)
	go func() {
		rt.Unlock(uintptr(unsafe.Pointer(&m)))
		m.Unlock()
		close(done)
	}()
	<-done
	p := new(lockPair)
	lockAB(p, &p.b, &p.a, cb, ca)
	lockAB(p, &p.b, &p.a, cb, ca)
	if lr := lockReports(*got); len(lr) != 0 {
		t.Fatalf("false report after handoffs:\n%s", report.Text(lr[0]))
	}
}

// lockdepModes runs body under the modes BenchmarkLockUnlock compares;
// hooks says whether the instrumentation calls are made at all.
func lockdepModes(b *testing.B, body func(b *testing.B, hooks bool)) {
	for _, mode := range []string{"plain", "lockdep=0", "lockdep=1"} {
		b.Run(mode, func(b *testing.B) {
			if mode != "plain" {
				o, _ := rt.ParseOptions(rt.DefaultOptions(), mode)
				_ = rt.Configure(o)
				defer func() { _ = rt.Configure(rt.DefaultOptions()) }()
			}
			body(b, mode != "plain")
		})
	}
}

// BenchmarkLockUnlockParallel is BenchmarkLockUnlock with every P locking
// its own mutex of one class: the checker must not serialize them.
//
//	go test -run '^$' -bench LockUnlockParallel -cpu 1,2 ./runtime
func BenchmarkLockUnlockParallel(b *testing.B) {
	c := rt.NewLockClass("bench.parallel")
	lockdepModes(b, func(b *testing.B, hooks bool) {
		b.RunParallel(func(pb *testing.PB) {
			m := new(sync.Mutex)
			for pb.Next() {
				if hooks {
					rt.Lock(uintptr(unsafe.Pointer(m)), c)
				}
				m.Lock()
				if hooks {
					rt.Unlock(uintptr(unsafe.Pointer(m)))
				}
				m.Unlock()
			}
		})
	})
}

// BenchmarkLockUnlockNested takes two locks of different classes nested,
// in parallel: after the first iteration the edge between them is known,
// and checking it must stay lock-free.
func BenchmarkLockUnlockNested(b *testing.B) {
	co := rt.NewLockClass("bench.nested.outer")
	ci := rt.NewLockClass("bench.nested.inner")
	lockdepModes(b, func(b *testing.B, hooks bool) {
		b.RunParallel(func(pb *testing.PB) {
			outer, inner := new(sync.Mutex), new(sync.Mutex)
			for pb.Next() {
				if hooks {
					rt.Lock(uintptr(unsafe.Pointer(outer)), co)
				}
				outer.Lock()
				if hooks {
					rt.Lock(uintptr(unsafe.Pointer(inner)), ci)
				}
				inner.Lock()
				if hooks {
					rt.Unlock(uintptr(unsafe.Pointer(inner)))
				}
				inner.Unlock()
				if hooks {
					rt.Unlock(uintptr(unsafe.Pointer(outer)))
				}
				outer.Unlock()
			}
		})
	})
}
