package runtime

import (
	"math"
	"path/filepath"
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
	configureFor(t, "skip=1 delay=2ms delay_randomize=0 delay_budget=0.01 delay_burst=10ms delay_window=0")
	var v int64
	// Each Read delays this goroutine or not; counting the calls that
	// took a delay's time keeps other goroutines' delays (left over from
	// earlier tests) out of the measurement.
	var delays []time.Duration
	firstDelayed := false
	start := time.Now()
	for i := 0; i < 40; i++ {
		t0 := time.Now()
		Read(uintptr(unsafe.Pointer(&v)), 8)
		if d := time.Since(t0); d >= 1500*time.Microsecond {
			delays = append(delays, d)
			firstDelayed = firstDelayed || i == 0
		}
	}
	elapsed := time.Since(start)
	if !firstDelayed {
		t.Error("the first sample was not delayed: the bucket did not start full")
	}
	if len(delays) == 40 {
		t.Fatalf("all 40 samples delayed (%v)", elapsed)
	}
	// A delay starts only while the bucket holds time: everything but
	// the last delay fits in the burst plus what refilled meanwhile (a
	// sleep that overshoots only makes later ones skip).
	refill := time.Duration(float64(elapsed) * 0.01)
	var before time.Duration
	for _, d := range delays[:len(delays)-1] {
		before += d
	}
	if before > 10*time.Millisecond+refill {
		t.Errorf("delays %v before the last one, budget allows %v", delays, 10*time.Millisecond+refill)
	}

	configureFor(t, "skip=1 delay=100us delay_randomize=0 delay_budget=0")
	n := 0
	for i := 0; i < 20; i++ {
		t0 := time.Now()
		Read(uintptr(unsafe.Pointer(&v)), 8)
		if time.Since(t0) >= 90*time.Microsecond {
			n++
		}
	}
	if n != 20 {
		t.Errorf("delay_budget=0: %d of 20 samples delayed, want all", n)
	}
}
