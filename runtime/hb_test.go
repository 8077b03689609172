package runtime_test

// The happens-before detector's catalogue: each test names one scenario
// and states whether a happens-before report must appear. The accesses
// are hand-instrumented as the rewriter instruments them (rt.Write before
// the write, Release before an operation the detector does not model,
// Lock/Unlock around locks). Goroutines are
// sequenced by sync/atomic spins that gocsan is not told about, so that
// the two accesses never overlap in time and the scenario is
// deterministic; Go's race detector, which also checks this package,
// sees those atomics and stays quiet.

import (
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gocsan/gocsan/report"
	rt "github.com/gocsan/gocsan/runtime"
	"github.com/gocsan/gocsan/runtime/record"
)

var _ = rt.RegisterPackage(func() {}, "github.com/gocsan/gocsan/runtime_test")

var hbVar, hbOther int64

const hbOptions = "hb=1 skip=1 skip_randomize=0 sampling=uniform delay=0 report_once_in=0 exitcode=0"

// hbRun configures the detector, runs f and returns the happens-before
// reports it produced.
func hbRun(t *testing.T, f func()) []*report.Report {
	t.Helper()
	o, err := rt.ParseOptions(rt.DefaultOptions(), hbOptions)
	if err != nil {
		t.Fatal(err)
	}
	o.LogPath = t.TempDir() + "/reports.txt"
	if err := rt.Configure(o); err != nil {
		t.Fatal(err)
	}
	// A recorded access is compared only within its GC cycle
	// (hb_memory.go): a collection finished now leaves the next far
	// away, so the configuration's own allocations do not end the cycle
	// between f's accesses.
	runtime.GC()
	defer rt.CaptureReports()()
	var mu sync.Mutex
	var got []*report.Report
	cancel := rt.Subscribe(func(r *record.Report) {
		if r.Detection == report.DetectedHappensBefore {
			mu.Lock()
			got = append(got, report.FromRecord(r))
			mu.Unlock()
		}
	})
	defer cancel()
	f()
	mu.Lock()
	defer mu.Unlock()
	return got
}

// after runs first in a new goroutine and waits until it is done, with
// nothing gocsan sees.
func after(first func()) {
	var done atomic.Bool
	go func() {
		first()
		done.Store(true)
	}()
	for !done.Load() {
	}
}

//go:noinline
func hbWrite() {
	rt.Write(addr(&hbVar), 8)
	atomic.StoreInt64(&hbVar, 1)
}

//go:noinline
func hbRead() {
	rt.Read(addr(&hbVar), 8)
	atomic.LoadInt64(&hbVar)
}

func wantHB(t *testing.T, got []*report.Report, first, second string) {
	t.Helper()
	if len(got) == 0 {
		t.Fatalf("no happens-before report")
	}
	r := got[0]
	if len(r.Accesses) != 2 || shortFn(r.Accesses[0].Top().Function) != first || shortFn(r.Accesses[1].Top().Function) != second {
		t.Fatalf("report:\n%s\nwant %s then %s", report.Text(r), first, second)
	}
	for i, a := range r.Accesses {
		if a.Goroutine == 0 || len(a.Stack) < 2 {
			t.Errorf("access %d: no goroutine or stack:\n%s", i, report.Text(r))
		}
	}
	if r.Accesses[0].CreatedBy == nil {
		t.Errorf("earlier access without its goroutine's creation site:\n%s", report.Text(r))
	}
}

func wantNone(t *testing.T, got []*report.Report) {
	t.Helper()
	for _, r := range got {
		t.Errorf("unexpected report:\n%s", report.Text(r))
	}
}

// A write in a goroutine that then exits, a read much later: the
// accesses never overlap, no synchronization orders them.
func TestHBWriteThenLaterRead(t *testing.T) {
	wantHB(t, hbRun(t, func() { after(hbWrite); hbRead() }), "hbWrite", "hbRead")
}

func TestHBReadThenLaterWrite(t *testing.T) {
	wantHB(t, hbRun(t, func() { after(hbRead); hbWrite() }), "hbRead", "hbWrite")
}

func TestHBWriteWrite(t *testing.T) {
	wantHB(t, hbRun(t, func() { after(hbWrite); hbWrite() }), "hbWrite", "hbWrite")
}

func TestHBReadReadNoRace(t *testing.T) {
	wantNone(t, hbRun(t, func() { after(hbRead); hbRead() }))
}

func TestHBSameGoroutineNoRace(t *testing.T) {
	wantNone(t, hbRun(t, func() { hbWrite(); hbRead(); hbWrite() }))
}

// Disjoint addresses in one granule do not race.
func TestHBDisjointBytes(t *testing.T) {
	var b [8]byte
	wantNone(t, hbRun(t, func() {
		after(func() { rt.Write(addr(&b[0]), 4) })
		rt.Write(addr(&b[4]), 4)
	}))
}

// The write is under a lock, the read takes the same lock: ordered.
func TestHBMutexOrders(t *testing.T) {
	var mu sync.Mutex
	lock := func() { rt.Lock(addr(&mu), nil); mu.Lock() }
	unlock := func() { rt.Unlock(addr(&mu)); mu.Unlock() }
	wantNone(t, hbRun(t, func() {
		after(func() { lock(); hbWrite(); unlock() })
		lock()
		hbRead()
		unlock()
	}))
}

// The write is under a lock, the read is not: a race.
func TestHBMutexOneSide(t *testing.T) {
	var mu sync.Mutex
	wantHB(t, hbRun(t, func() {
		after(func() { rt.Lock(addr(&mu), nil); mu.Lock(); hbWrite(); rt.Unlock(addr(&mu)); mu.Unlock() })
		hbRead()
	}), "hbWrite", "hbRead")
}

// RUnlock orders a read before the next Lock.
func TestHBRWMutexOrders(t *testing.T) {
	var mu sync.RWMutex
	wantNone(t, hbRun(t, func() {
		after(func() { rt.RLock(addr(&mu), nil); mu.RLock(); hbRead(); rt.RUnlock(addr(&mu)); mu.RUnlock() })
		rt.Lock(addr(&mu), nil)
		mu.Lock()
		hbWrite()
		rt.Unlock(addr(&mu))
		mu.Unlock()
		after(func() { rt.RLock(addr(&mu), nil); mu.RLock(); hbRead(); rt.RUnlock(addr(&mu)); mu.RUnlock() })
	}))
}

// A successful TryLock acquires.
func TestHBTryLockOrders(t *testing.T) {
	var mu sync.Mutex
	wantNone(t, hbRun(t, func() {
		after(func() { rt.Lock(addr(&mu), nil); mu.Lock(); hbWrite(); rt.Unlock(addr(&mu)); mu.Unlock() })
		if rt.TryLockedB(addr(&mu), nil, false, mu.TryLock()) {
			hbRead()
			rt.Unlock(addr(&mu))
			mu.Unlock()
		}
	}))
}

// An operation the detector does not model (Release) after the write:
// it may have synchronized with anything, so the write is ordered before
// everything after it.
func TestHBPublishOrders(t *testing.T) {
	wantNone(t, hbRun(t, func() {
		after(func() { hbWrite(); rt.Release() })
		hbRead()
	}))
}

// Every access before the Release is covered, however many.
func TestHBPublishCoversEarlierAccesses(t *testing.T) {
	wantNone(t, hbRun(t, func() {
		after(func() { hbWrite(); hbRead(); hbWrite(); rt.Release() })
		hbRead()
	}))
}

// The access after a Release starts a new epoch: it is not covered
// (go statement, then a write the new goroutine races with).
func TestHBPublicationEndsAtNextAccess(t *testing.T) {
	wantHB(t, hbRun(t, func() {
		after(func() { hbRead(); rt.Release(); hbWrite() })
		hbRead()
	}), "hbWrite", "hbRead")
}

// An atomic operation publishes.
func TestHBAtomicPublishes(t *testing.T) {
	var flag int64
	wantNone(t, hbRun(t, func() {
		after(func() { hbWrite(); rt.AtomicWrite(addr(&flag), 8); atomic.StoreInt64(&flag, 1) })
		rt.AtomicRead(addr(&flag), 8)
		atomic.LoadInt64(&flag)
		hbRead()
	}))
}

// A third goroutine learned the write's epoch through a lock: it may
// pass it on where gocsan cannot see, so the race is not reported.
func TestHBKnownElsewhereSuppressed(t *testing.T) {
	var mu sync.Mutex
	var learned, finish atomic.Bool
	wantNone(t, hbRun(t, func() {
		after(func() { rt.Lock(addr(&mu), nil); mu.Lock(); hbWrite(); rt.Unlock(addr(&mu)); mu.Unlock() })
		go func() {
			rt.Lock(addr(&mu), nil)
			mu.Lock()
			rt.Unlock(addr(&mu))
			mu.Unlock()
			rt.Read(addr(&hbOther), 8) // an event: the acquire is done
			learned.Store(true)
			for !finish.Load() {
			}
		}()
		for !learned.Load() {
		}
		hbRead()
		finish.Store(true)
	}))
}

// The write runs in a callback of uninstrumented code (sort), which may
// synchronize after it returns: not reported.
func TestHBCallbackSuppressed(t *testing.T) {
	s := []int{2, 1}
	wantNone(t, hbRun(t, func() {
		after(func() { sort.Slice(s, func(i, j int) bool { hbWrite(); return s[i] < s[j] }) })
		hbRead()
	}))
}

// A test's goroutine (under testing.tRunner) that is still running its
// test is inside its once-entry: its accesses are reported.
func TestHBTestGoroutineAccess(t *testing.T) {
	wantHB(t, hbRun(t, func() {
		hbWrite()
		var done atomic.Bool
		go func() { hbRead(); done.Store(true) }()
		for !done.Load() {
		}
	}), "hbWrite", "hbRead")
}

// The ignore list applies to happens-before reports.
func TestHBIgnored(t *testing.T) {
	got := hbRun(t, func() {
		o := rt.CurrentOptions()
		o.Ignore = []string{"github.com/gocsan/gocsan/runtime_test.hbRead"}
		_ = rt.Configure(o)
		after(hbWrite)
		hbRead()
	})
	wantNone(t, got)
}
