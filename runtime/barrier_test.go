package runtime

import (
	"path/filepath"
	"testing"
	"unsafe"
)

// TestBarrierNoThreads ports KCSAN's test_barrier_nothreads to Go's
// synchronizing operations: with a plain access in flight (a reordered
// watchpoint of this goroutine), each operation either ends it or not.
// sync/atomic operations are sequentially consistent (full barriers);
// unlocks, channel sends and closes, WaitGroup.Done, Once.Do and go
// statements are releases (the rewriter calls Release before them);
// locks and plain accesses are not barriers, and acquires clear nothing
// because the model only delays accesses.
func TestBarrierNoThreads(t *testing.T) {
	saved := CurrentOptions()
	defer func() { _ = Configure(saved) }()
	o, err := ParseOptions(DefaultOptions(), "skip=1 skip_randomize=0 delay=10us delay_randomize=0 reorder=1 reorder_window=10s exitcode=0")
	if err != nil {
		t.Fatal(err)
	}
	o.LogPath = filepath.Join(t.TempDir(), "log")
	if err := Configure(o); err != nil {
		t.Fatal(err)
	}
	v, other, mu := &barrierV, &barrierOther, &barrierMu
	a := func(p *int64) uintptr { return uintptr(unsafe.Pointer(p)) }
	lc := NewLockClass("barrier_test.mu")
	for _, c := range []struct {
		name   string
		op     func()
		clears bool
	}{
		{"atomic load", func() { AtomicRead(a(other), 8) }, true},
		{"atomic store", func() { AtomicWrite(a(other), 8) }, true},
		{"atomic add/swap/cas", func() { AtomicReadWrite(a(other), 8) }, true},
		{"Mutex.Unlock", func() { Unlock(uintptr(unsafe.Pointer(mu))) }, true},
		{"RWMutex.RUnlock", func() { RUnlock(uintptr(unsafe.Pointer(mu))) }, true},
		{"send, close, Done, Once.Do, go", Release, true},
		{"Mutex.Lock", func() { Lock(uintptr(unsafe.Pointer(mu)), lc) }, false},
		{"RWMutex.RLock", func() { RLock(uintptr(unsafe.Pointer(mu)), lc) }, false},
		{"TryLock", func() { TryLocked(uintptr(unsafe.Pointer(mu)), lc, false, true) }, false},
	} {
		for _, kind := range []struct {
			name string
			make func()
		}{
			{"write", func() { Write(a(v), 8) }},
			{"read", func() { Read(a(v), 8) }},
			{"read-write", func() { ReadWrite(a(v), 8) }},
		} {
			dropLingers()
			kind.make()
			if lingerCount.Load() != 1 {
				t.Fatalf("%s: no access in flight after the %s", c.name, kind.name)
			}
			c.op()
			if cleared := lingerCount.Load() == 0; cleared != c.clears {
				t.Errorf("%s after a %s: cleared=%v, want %v", c.name, kind.name, cleared, c.clears)
			}
		}
	}
	dropLingers()
}

// Package variables: the reordering model never keeps stack addresses in
// flight.
var (
	barrierV, barrierOther int64
	barrierMu              [8]byte
)
