package runtime

import (
	"math"
	"path/filepath"
	"runtime"
	"testing"
	"time"
	"unsafe"
)

func configureFor(t testing.TB, settings string) {
	t.Helper()
	saved := CurrentOptions()
	t.Cleanup(func() { _ = Configure(saved) })
	o, err := ParseOptions(DefaultOptions(), settings)
	if err != nil {
		t.Fatal(err)
	}
	o.LogPath = filepath.Join(t.TempDir(), "log")
	if err := Configure(o); err != nil {
		t.Fatal(err)
	}
}

func TestBudgetRange(t *testing.T) {
	configureFor(t, "skip=1000 skip_randomize=1")
	var sum int64
	const n = 200000
	for i := 0; i < n; i++ {
		b := Budget()
		if b < 1 || b > 1024 {
			t.Fatalf("Budget() = %d, want [1, 1024]", b)
		}
		sum += int64(b)
	}
	// The mean of [1, 1024] is 512.5; 200000 draws put it within a few
	// units of that.
	if mean := float64(sum) / n; mean < 490 || mean > 535 {
		t.Errorf("mean budget %.1f, want about 512", mean)
	}

	configureFor(t, "skip=300 skip_randomize=0")
	if b := Budget(); b != 300 {
		t.Errorf("Budget() without randomizing = %d, want 300", b)
	}
	configureFor(t, "skip=1")
	if b := Budget(); b != 1 {
		t.Errorf("Budget() with skip=1 = %d, want 1", b)
	}
	configureFor(t, "enabled=0")
	if b := Budget(); b != math.MaxInt32 {
		t.Errorf("Budget() disabled = %d, want MaxInt32", b)
	}
}

// readLoop is what the rewriter emits for a statement-level read in a
// loop: a budget local to the invocation and a site written only while
// cold.
func readLoop(s *Site, addr uintptr, n int) {
	b := Budget()
	for i := 0; i < n; i++ {
		if b--; s.Due(b) {
			b = ReadSlow(s, addr, 8, b)
		}
	}
}

// A site samples its first executions (the adaptive cold phase), turns
// hot after coldSamples samples, and from then on is sampled about once
// per skip accesses however the accesses are split into invocations.
func TestSiteColdThenHot(t *testing.T) {
	configureFor(t, "sampling=adaptive skip=1000 delay=0")
	var v int64
	var s Site
	before := Stat(SampledAccesses)
	readLoop(&s, uintptr(unsafe.Pointer(&v)), 10)
	if got := Stat(SampledAccesses) - before; got != 10 {
		t.Fatalf("first 10 executions: %d samples, want 10 (every one)", got)
	}
	if s.hot {
		t.Fatal("site hot after 10 samples")
	}
	for i := 0; i < 2000 && !s.hot; i++ {
		readLoop(&s, uintptr(unsafe.Pointer(&v)), 1)
	}
	if !s.hot || s.k != coldSamples {
		t.Fatalf("site after its cold phase: hot=%v k=%d, want hot after %d samples", s.hot, s.k, coldSamples)
	}
	for _, perCall := range []int{1, 100, 100000} {
		before := Stat(SampledAccesses)
		const total = 2000000
		for i := 0; i < total/perCall; i++ {
			readLoop(&s, uintptr(unsafe.Pointer(&v)), perCall)
		}
		got := Stat(SampledAccesses) - before
		// Budgets are uniform in [1, 1024]: one sample per ~512
		// accesses in long invocations, per ~1024 in one-access ones.
		if got < total/1500 || got > total/300 {
			t.Errorf("%d accesses per invocation: %d samples in %d hot accesses, want about %d..%d", perCall, got, total, total/1024, total/512)
		}
	}
}

// Under uniform sampling sites are hot at once.
func TestSiteUniformIsHot(t *testing.T) {
	configureFor(t, "sampling=uniform skip=1000 delay=0")
	var v int64
	var s Site
	readLoop(&s, uintptr(unsafe.Pointer(&v)), 1)
	if !s.hot || s.k != 0 {
		t.Fatalf("uniform: hot=%v k=%d, want hot with no cold samples", s.hot, s.k)
	}
}

// The delay budget bounds the time spent delaying and counts what it
// skips: 40 samples of 2ms each would sleep 80ms; with a burst of 10ms
// and 1% of the time of each P, they sleep little more than the burst.
func TestDelayBudget(t *testing.T) {
	configureFor(t, "skip=1 delay=2ms delay_randomize=0 delay_budget=0.01 delay_burst=10ms")
	var v int64
	beforeDelay, beforeSkips := Stat(DelayNanoseconds), Stat(DelayBudgetSkips)
	start := time.Now()
	for i := 0; i < 40; i++ {
		Read(uintptr(unsafe.Pointer(&v)), 8)
	}
	elapsed := time.Since(start)
	delayed := time.Duration(Stat(DelayNanoseconds) - beforeDelay)
	skips := Stat(DelayBudgetSkips) - beforeSkips
	if skips == 0 {
		t.Fatalf("no sample skipped; delayed %v", delayed)
	}
	// The bucket gives the burst, what it refills while we run, and the
	// delay that overdraws it.
	limit := 10*time.Millisecond + time.Duration(float64(elapsed)*0.01*float64(runtime.GOMAXPROCS(0))) + 2*time.Millisecond
	if delayed > limit+time.Millisecond {
		t.Errorf("delayed %v in %v, budget allows %v", delayed, elapsed, limit)
	}
	if delayed < 8*time.Millisecond {
		t.Errorf("delayed only %v: the burst was not used", delayed)
	}

	configureFor(t, "skip=1 delay=100us delay_randomize=0 delay_budget=0")
	beforeSkips = Stat(DelayBudgetSkips)
	for i := 0; i < 20; i++ {
		Read(uintptr(unsafe.Pointer(&v)), 8)
	}
	if skips := Stat(DelayBudgetSkips) - beforeSkips; skips != 0 {
		t.Errorf("delay_budget=0 skipped %d samples", skips)
	}
}
