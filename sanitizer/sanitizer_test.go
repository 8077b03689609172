package sanitizer_test

import (
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/gocsan/gocsan/report"
	rt "github.com/gocsan/gocsan/runtime"
	"github.com/gocsan/gocsan/sanitizer"
)

type account struct {
	balance int64
	flags   uint32
}

func configure(t *testing.T) {
	o, err := sanitizer.ParseOptions(sanitizer.DefaultOptions(), "skip=1 skip_randomize=0 delay=1ms delay_randomize=0 report_once_in=0 exitcode=0")
	if err != nil {
		t.Fatal(err)
	}
	o.LogPath = filepath.Join(t.TempDir(), "log")
	if err := sanitizer.Configure(o); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sanitizer.CaptureReports())
	t.Cleanup(func() {
		o := sanitizer.DefaultOptions()
		o.Enabled = false
		_ = sanitizer.Configure(o)
	})
}

// runUntil runs a and b in two goroutines until pred holds for a report or
// the budget is spent, and returns the reports seen.
func runUntil(t *testing.T, a, b func(), pred func(*report.Report) bool) []*report.Report {
	var mu sync.Mutex
	var got []*report.Report
	var done atomic.Bool
	cancel := sanitizer.OnReport(func(r *report.Report) {
		mu.Lock()
		got = append(got, r)
		mu.Unlock()
		if pred(r) {
			done.Store(true)
		}
	})
	defer cancel()
	var wg sync.WaitGroup
	for _, f := range []func(){a, b} {
		wg.Add(1)
		go func(f func()) {
			defer wg.Done()
			for i := 0; i < 2000 && !done.Load(); i++ {
				f()
			}
		}(f)
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return got
}

//go:noinline
func deposit(a *account) {
	sanitizer.AssertExclusiveWriter(&a.balance)
	atomic.AddInt64(&a.balance, 1)
}

//go:noinline
func sneakyWrite(a *account) {
	rt.Write(uintptr(unsafe.Pointer(&a.balance)), 8)
	atomic.AddInt64(&a.balance, 1)
}

func TestAssertExclusiveWriterGeneric(t *testing.T) {
	configure(t)
	a := new(account)
	got := runUntil(t, func() { deposit(a) }, func() { sneakyWrite(a) }, func(r *report.Report) bool {
		return r.Kind == report.KindAssert
	})
	found := false
	for _, r := range got {
		if r.Kind == report.KindAssert && r.Title == "assert: race in github.com/gocsan/gocsan/sanitizer_test.deposit / github.com/gocsan/gocsan/sanitizer_test.sneakyWrite" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no assert report naming deposit and sneakyWrite; got %d reports", len(got))
	}
	if sanitizer.Stats()["assert_failures"] == 0 {
		t.Error("assert_failures did not move")
	}
}

func TestDataRaceAnnotation(t *testing.T) {
	configure(t)
	a := new(account)
	f := func() {
		sanitizer.DataRace(func() {
			rt.ReadWrite(uintptr(unsafe.Pointer(&a.balance)), 8)
			atomic.AddInt64(&a.balance, 1)
		})
	}
	got := runUntil(t, f, f, func(*report.Report) bool { return true })
	if len(got) != 0 {
		t.Fatalf("annotated race reported: %d reports", len(got))
	}
}

func TestScopedEnd(t *testing.T) {
	configure(t)
	a := new(account)
	writer := func() {
		s := sanitizer.AssertExclusiveAccessScoped(&a.flags)
		defer s.End()
		atomic.AddUint32(&a.flags, 1)
		// Unrelated instrumented work keeps the scope open for a while
		// (each access is watched for 1ms at these settings).
		for i := 0; i < 3; i++ {
			rt.Read(uintptr(unsafe.Pointer(&a.balance)), 8)
		}
	}
	reader := func() {
		rt.Read(uintptr(unsafe.Pointer(&a.flags)), 4)
		atomic.LoadUint32(&a.flags)
	}
	scoped := func(r *report.Report) bool {
		return r.Kind == report.KindAssert && r.Accesses[1].TypeString() == "assert no accesses (reordered)"
	}
	got := runUntil(t, writer, reader, scoped)
	ok := false
	for _, r := range got {
		ok = ok || scoped(r)
	}
	if !ok {
		t.Fatalf("no scoped assert report among %d", len(got))
	}
}
