package runtime

import (
	"testing"
	"unsafe"
)

// Goroutines that took a lock and are gone leave empty held stacks
// behind; they are dropped once they outnumber the live ones, so the
// table does not grow with every goroutine a program ever ran. Half the
// locks are unlocked by another goroutine, which must still empty the
// locker's stack.
func TestLockdepHeldStacksSwept(t *testing.T) {
	saved := CurrentOptions()
	t.Cleanup(func() { _ = Configure(saved) })
	o := DefaultOptions()
	o.Lockdep = true
	if err := Configure(o); err != nil {
		t.Fatal(err)
	}
	c := NewLockClass("runtime.sweep")
	var x int64
	const n = 4000
	for i := 0; i < n; i++ {
		done := make(chan bool)
		go func() {
			Lock(uintptr(unsafe.Pointer(&x)), c)
			if i%2 == 0 {
				Unlock(uintptr(unsafe.Pointer(&x)))
			}
			close(done)
		}()
		<-done
		if i%2 == 1 {
			// Unlocked by another goroutine than the locker, as a
			// mutex may be: found in the locker's shard.
			Unlock(uintptr(unsafe.Pointer(&x)))
		}
	}
	total := 0
	for i := range heldLocks {
		s := &heldLocks[i]
		s.Lock()
		total += len(s.byG)
		if live := s.live.Load(); live != 0 {
			t.Errorf("shard %d: %d live stacks, want 0", i, live)
		}
		s.Unlock()
	}
	if total > heldShards*17 {
		t.Errorf("%d held stacks kept after %d goroutines", total, n)
	}
}
