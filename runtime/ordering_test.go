package runtime_test

// Ordering conformance: races observable only through reordering (KCSAN's
// test_missing_barrier family, adapted to Go's synchronization) and the
// lock-order checker. As in conformance_test.go, memory effects use
// sync/atomic to keep Go's race detector quiet; gocsan sees the explicit
// instrumentation calls, which model plain accesses.

import (
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/gocsan/gocsan/report"
	rt "github.com/gocsan/gocsan/runtime"
	"github.com/gocsan/gocsan/runtime/record"
)

type handoff struct {
	data  int64
	ready int64
	mu    sync.Mutex
	ch    chan int
}

func configureOrdering(t *testing.T, extra string) *[]*report.Report {
	t.Helper()
	o, err := rt.ParseOptions(rt.DefaultOptions(), baseOptions+" reorder_window=5s "+extra)
	if err != nil {
		t.Fatal(err)
	}
	o.LogPath = filepath.Join(t.TempDir(), "reports.txt")
	if err := rt.Configure(o); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	got := new([]*report.Report)
	cancel := rt.Subscribe(func(rec *record.Report) {
		r := report.FromRecord(rec)
		mu.Lock()
		*got = append(*got, r)
		mu.Unlock()
	})
	t.Cleanup(func() {
		cancel()
		o := rt.DefaultOptions()
		o.Enabled = false
		_ = rt.Configure(o)
	})
	return got
}

// publishPlainFlag writes data, then a plain ready flag: nothing orders the
// two writes.
//
//go:noinline
func publishPlainFlag(h *handoff) {
	rt.Write(addr(&h.data), 8)
	atomic.StoreInt64(&h.data, 42)
	rt.Write(addr(&h.ready), 8)
	atomic.StoreInt64(&h.ready, 1)
	// The publisher goes on with unrelated work, with no barrier, before
	// it returns (and releases, modelling WaitGroup.Done).
	testEnterScope()
}

//go:noinline
func consumePlainFlag(h *handoff) int64 {
	for {
		rt.Read(addr(&h.ready), 8)
		if atomic.LoadInt64(&h.ready) == 1 {
			break
		}
	}
	return consumeData(h)
}

//go:noinline
func consumeData(h *handoff) int64 {
	rt.Read(addr(&h.data), 8)
	return atomic.LoadInt64(&h.data)
}

// publishAtomicFlag publishes with sync/atomic: a full barrier.
//
//go:noinline
func publishAtomicFlag(h *handoff) {
	rt.Write(addr(&h.data), 8)
	atomic.StoreInt64(&h.data, 42)
	rt.AtomicWrite(addr(&h.ready), 8)
	atomic.StoreInt64(&h.ready, 1)
}

//go:noinline
func consumeAtomicFlag(h *handoff) int64 {
	for {
		rt.AtomicRead(addr(&h.ready), 8)
		if atomic.LoadInt64(&h.ready) == 1 {
			break
		}
	}
	return consumeData(h)
}

//go:noinline
func publishUnderMutex(h *handoff) {
	h.mu.Lock()
	rt.Write(addr(&h.data), 8)
	atomic.StoreInt64(&h.data, 42)
	atomic.StoreInt64(&h.ready, 1)
	rt.Unlock(addr(&h.mu))
	h.mu.Unlock()
}

//go:noinline
func consumeUnderMutex(h *handoff) int64 {
	for {
		h.mu.Lock()
		if atomic.LoadInt64(&h.ready) == 1 {
			v := consumeData(h)
			rt.Unlock(addr(&h.mu))
			h.mu.Unlock()
			return v
		}
		rt.Unlock(addr(&h.mu))
		h.mu.Unlock()
	}
}

//go:noinline
func publishOnChannel(h *handoff) {
	rt.Write(addr(&h.data), 8)
	atomic.StoreInt64(&h.data, 42)
	rt.Release() // the rewriter's call before a channel send
	h.ch <- 1
}

//go:noinline
func consumeFromChannel(h *handoff) int64 {
	<-h.ch
	return consumeData(h)
}

// rounds runs publish and consume in fresh goroutines on a fresh handoff,
// round after round, until stop says so or the budget is spent.
func rounds(n int, publish func(*handoff), consume func(*handoff) int64, stop func() bool) {
	for i := 0; i < n && !stop(); i++ {
		h := &handoff{ch: make(chan int, 1)}
		var wg sync.WaitGroup
		wg.Add(2)
		// rt.Release before wg.Done is what the rewriter emits: Done is a
		// releasing operation.
		go func() { defer wg.Done(); defer rt.Release(); publish(h) }()
		go func() { defer wg.Done(); defer rt.Release(); consume(h) }()
		wg.Wait()
	}
}

func isReorderedDataRace(r *report.Report) bool {
	if r.Kind != report.KindDataRace || len(r.Accesses) != 2 {
		return false
	}
	w, rd := r.Accesses[1], r.Accesses[0]
	return w.TypeString() == "write (reordered)" && shortFn(w.Top().Function) == "publishPlainFlag" &&
		w.ReorderedTo != nil && shortFn(w.ReorderedTo.Function) == "publishPlainFlag" && w.ReorderedTo.Line > w.Top().Line &&
		rd.TypeString() == "read" && shortFn(rd.Top().Function) == "consumeData" &&
		// The reordered access's stack is kept as program counters and
		// its creation site read when it is hit: both must be there.
		len(w.Stack) >= 2 && w.CreatedBy != nil && shortFn(w.CreatedBy.Function) == "rounds" && w.CreatorGoroutine != 0
}

// A race observable only through reordering: the consumer reads data after
// it saw the flag, when the publisher's write to data is long done in
// program order, but nothing orders that write before the flag.
func TestReorderMissingBarrier(t *testing.T) {
	got := configureOrdering(t, "reorder=1")
	var seen atomic.Bool
	cancel := rt.Subscribe(func(rec *record.Report) {
		r := report.FromRecord(rec)
		if isReorderedDataRace(r) {
			seen.Store(true)
		}
	})
	defer cancel()
	rounds(200, publishPlainFlag, consumePlainFlag, seen.Load)
	if !seen.Load() {
		t.Fatalf("no reordered race on data in %d reports", len(*got))
	}
}

// Without the reordering model the same program shows no race on data:
// the two accesses never overlap in time.
func TestReorderOffMissesIt(t *testing.T) {
	got := configureOrdering(t, "reorder=0")
	rounds(20, publishPlainFlag, consumePlainFlag, func() bool { return false })
	for _, r := range *got {
		if strings.Contains(report.Text(r), "consumeData") {
			t.Errorf("race on data reported without reordering:\n%s", report.Text(r))
		}
	}
}

// The correctly synchronized twins: atomic flag, mutex, channel.
func TestReorderCorrectBarriers(t *testing.T) {
	for _, c := range []struct {
		name    string
		publish func(*handoff)
		consume func(*handoff) int64
	}{
		{"atomic", publishAtomicFlag, consumeAtomicFlag},
		{"mutex", publishUnderMutex, consumeUnderMutex},
		{"channel", publishOnChannel, consumeFromChannel},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := configureOrdering(t, "reorder=1")
			rounds(30, c.publish, c.consume, func() bool { return false })
			for _, r := range *got {
				t.Errorf("unexpected report:\n%s", report.Text(r))
			}
			if rt.Stat(rt.SetupWatchpoints) == 0 {
				t.Error("no watchpoint was ever set up: the scenario checked nothing")
			}
		})
	}
}

// Lock-order checking.

type lockPair struct {
	a, b sync.Mutex
}

var (
	classA = rt.NewLockClass("runtime_test.lockPair.a")
	classB = rt.NewLockClass("runtime_test.lockPair.b")
)

func lockAB(p *lockPair, first, second *sync.Mutex, c1, c2 *rt.LockClass) {
	rt.Lock(uintptr(unsafe.Pointer(first)), c1)
	first.Lock()
	rt.Lock(uintptr(unsafe.Pointer(second)), c2)
	second.Lock()
	rt.Unlock(uintptr(unsafe.Pointer(second)))
	second.Unlock()
	rt.Unlock(uintptr(unsafe.Pointer(first)))
	first.Unlock()
}

//go:noinline
func takeAThenB(p *lockPair) { lockAB(p, &p.a, &p.b, classA, classB) }

//go:noinline
func takeBThenA(p *lockPair) { lockAB(p, &p.b, &p.a, classB, classA) }

func lockReports(got []*report.Report) []*report.Report {
	var out []*report.Report
	for _, r := range got {
		if r.Kind == report.KindLockOrder {
			out = append(out, r)
		}
	}
	return out
}

// AB-BA in two goroutines that run one after the other, so the program
// never deadlocks: the inversion is still reported, once, with both
// acquisition orders.
func TestLockOrderInversion(t *testing.T) {
	got := configureOrdering(t, "lockdep=1")
	p := new(lockPair)
	for _, f := range []func(*lockPair){takeAThenB, takeBThenA, takeBThenA, takeAThenB} {
		done := make(chan bool)
		go func() { f(p); close(done) }()
		<-done
	}
	lr := lockReports(*got)
	if len(lr) != 1 {
		t.Fatalf("got %d lock-order reports, want 1", len(lr))
	}
	r := lr[0]
	want := "possible circular locking dependency: runtime_test.lockPair.a -> runtime_test.lockPair.b -> runtime_test.lockPair.a"
	if r.Title != want {
		t.Errorf("title %q, want %q", r.Title, want)
	}
	fns := map[string]bool{}
	for _, a := range r.Accesses {
		if a.Op != report.OpLock || len(a.Stack) == 0 {
			t.Errorf("access %+v", a)
			continue
		}
		// The stack's top frame is lockAB; the caller names the order.
		fns[shortFn(a.Stack[1].Function)] = true
	}
	if !fns["takeAThenB"] || !fns["takeBThenA"] {
		t.Errorf("report does not show both orders:\n%s", report.Text(r))
	}
}

// Many goroutines taking the same locks in the same order: no report.
func TestLockOrderConsistent(t *testing.T) {
	got := configureOrdering(t, "lockdep=1")
	p := new(lockPair)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				takeAThenB(p)
			}
		}()
	}
	wg.Wait()
	if lr := lockReports(*got); len(lr) != 0 {
		t.Errorf("consistent order reported:\n%s", report.Text(lr[0]))
	}
}

type rwPair struct{ a, b sync.RWMutex }

// Read locks taken in both orders cannot deadlock while nobody write-locks
// them; once a writer exists, a pending writer blocks new readers and the
// cycle is real.
func TestLockOrderReadLocks(t *testing.T) {
	got := configureOrdering(t, "lockdep=1")
	p := new(rwPair)
	ca := rt.NewLockClass("runtime_test.rwPair.a")
	cb := rt.NewLockClass("runtime_test.rwPair.b")
	rr := func(x, y *sync.RWMutex, cx, cy *rt.LockClass) {
		rt.RLock(uintptr(unsafe.Pointer(x)), cx)
		x.RLock()
		rt.RLock(uintptr(unsafe.Pointer(y)), cy)
		y.RLock()
		rt.RUnlock(uintptr(unsafe.Pointer(y)))
		y.RUnlock()
		rt.RUnlock(uintptr(unsafe.Pointer(x)))
		x.RUnlock()
	}
	rr(&p.a, &p.b, ca, cb)
	rr(&p.b, &p.a, cb, ca)
	if lr := lockReports(*got); len(lr) != 0 {
		t.Fatalf("read-only cycle reported:\n%s", report.Text(lr[0]))
	}
	// Two other classes that are also write-locked somewhere: the same
	// read cycle can now deadlock behind pending writers.
	cc := rt.NewLockClass("runtime_test.rwPair.c")
	cd := rt.NewLockClass("runtime_test.rwPair.d")
	q := new(rwPair)
	for _, w := range []struct {
		m *sync.RWMutex
		c *rt.LockClass
	}{{&q.a, cc}, {&q.b, cd}} {
		rt.Lock(uintptr(unsafe.Pointer(w.m)), w.c)
		w.m.Lock()
		rt.Unlock(uintptr(unsafe.Pointer(w.m)))
		w.m.Unlock()
	}
	rr(&q.a, &q.b, cc, cd)
	rr(&q.b, &q.a, cd, cc)
	lr := lockReports(*got)
	if len(lr) != 1 || lr[0].Title != "possible circular locking dependency: runtime_test.rwPair.c -> runtime_test.rwPair.d -> runtime_test.rwPair.c" {
		t.Fatalf("read cycle with writers: %d reports %v", len(lr), lr)
	}
}

// Recursive read locking: a second RLock by the same goroutine deadlocks
// as soon as a writer queues between the two.
func TestLockOrderRecursiveRead(t *testing.T) {
	got := configureOrdering(t, "lockdep=1")
	var m sync.RWMutex
	c := rt.NewLockClass("runtime_test.recursive")
	rt.RLock(uintptr(unsafe.Pointer(&m)), c)
	m.RLock()
	rt.RLock(uintptr(unsafe.Pointer(&m)), c)
	m.RLock()
	rt.RUnlock(uintptr(unsafe.Pointer(&m)))
	m.RUnlock()
	rt.RUnlock(uintptr(unsafe.Pointer(&m)))
	m.RUnlock()
	lr := lockReports(*got)
	if len(lr) != 1 || lr[0].Title != "recursive read locking of runtime_test.recursive" {
		t.Fatalf("got %d reports: %v", len(lr), lr)
	}
}

// A mutex unlocked by another goroutine than the one that locked it is
// removed from the locker's held set: no edge, no report.
func TestLockOrderUnlockElsewhere(t *testing.T) {
	got := configureOrdering(t, "lockdep=1")
	p := new(lockPair)
	ca := rt.NewLockClass("runtime_test.handoff.a")
	cb := rt.NewLockClass("runtime_test.handoff.b")
	rt.Lock(uintptr(unsafe.Pointer(&p.a)), ca)
	p.a.Lock()
	done := make(chan bool)
	go func() {
		rt.Unlock(uintptr(unsafe.Pointer(&p.a)))
		p.a.Unlock()
		close(done)
	}()
	<-done
	rt.Lock(uintptr(unsafe.Pointer(&p.b)), cb)
	p.b.Lock()
	rt.Unlock(uintptr(unsafe.Pointer(&p.b)))
	p.b.Unlock()
	// The opposite order now must not close a cycle: a -> b never existed.
	lockAB(p, &p.b, &p.a, cb, ca)
	if lr := lockReports(*got); len(lr) != 0 {
		t.Fatalf("false report after cross-goroutine unlock:\n%s", report.Text(lr[0]))
	}
}

// BenchmarkLockUnlock measures the lock-order checker on a lock-heavy loop:
//
//	go test -run '^$' -bench LockUnlock ./runtime
func BenchmarkLockUnlock(b *testing.B) {
	var m sync.Mutex
	c := rt.NewLockClass("bench.m")
	lockdepModes(b, func(b *testing.B, hooks bool) {
		for i := 0; i < b.N; i++ {
			if hooks {
				rt.Lock(uintptr(unsafe.Pointer(&m)), c)
			}
			m.Lock()
			if hooks {
				rt.Unlock(uintptr(unsafe.Pointer(&m)))
			}
			m.Unlock()
		}
	})
}

//go:noinline
func writeDataOnly(h *handoff) {
	rt.Write(addr(&h.data), 8)
	atomic.StoreInt64(&h.data, 42)
}

// A reordered access stays in flight only until the function that made it
// returns (KCSAN's function-scope limit): callers may synchronize in ways
// gocsan cannot see.
func TestReorderScopeEndsAtReturn(t *testing.T) {
	got := configureOrdering(t, "reorder=1")
	// As publishPlainFlag, but the write to data is made in a callee
	// that has returned by the time the flag is set.
	publish := func(h *handoff) {
		writeDataOnly(h)
		rt.Write(addr(&h.ready), 8)
		atomic.StoreInt64(&h.ready, 1)
		testEnterScope()
	}
	rounds(30, publish, consumePlainFlag, func() bool { return false })
	for _, r := range *got {
		if strings.Contains(report.Text(r), "consumeData") {
			t.Errorf("access reported after its function returned:\n%s", report.Text(r))
		}
	}
}
