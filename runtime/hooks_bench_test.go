package runtime

import (
	"testing"
	"unsafe"
)

// Hot-path benchmarks. Run with
//
//	go test -run '^$' -bench . -benchtime=2000000x ./runtime
//
// "Idle" disables the engine, so the only cost is the fast path (and the
// trivial slow-path entry every skip accesses), as KCSAN's debugfs
// microbenchmark measures it.

var (
	benchVar  [512]int64
	benchSink int64
)

func withOptions(b *testing.B, mod func(*Options)) {
	saved := CurrentOptions()
	o := DefaultOptions()
	o.LogPath = "stderr"
	mod(&o)
	if err := Configure(o); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = Configure(saved) })
}

func benchReads(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Read(uintptr(unsafe.Pointer(&benchVar[i&511])), 8)
	}
}

func BenchmarkReadIdle(b *testing.B) {
	withOptions(b, func(o *Options) { o.Enabled = false })
	benchReads(b)
}

// BenchmarkReadArmedElsewhere keeps a watchpoint armed on another page, so
// every access scans its slot window.
func BenchmarkReadArmedElsewhere(b *testing.B) {
	withOptions(b, func(o *Options) { o.Enabled = false })
	var other [2 * slotRange]byte
	addr := uintptr(unsafe.Pointer(&other[slotRange]))
	slot, ok := insertWatchpoint(addr, 8, true, 0)
	if !ok {
		b.Fatal("no slot")
	}
	defer removeWatchpoint(slot)
	benchReads(b)
}

// BenchmarkReadDefault runs with the default options: one access in about
// 2000 arms a watchpoint and waits up to 80µs.
func BenchmarkReadDefault(b *testing.B) {
	withOptions(b, func(o *Options) {})
	benchReads(b)
}

func BenchmarkReadIdleParallel(b *testing.B) {
	withOptions(b, func(o *Options) { o.Enabled = false })
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			Read(uintptr(unsafe.Pointer(&benchVar[i&511])), 8)
			i++
		}
	})
}

func BenchmarkReadDefaultParallel(b *testing.B) {
	withOptions(b, func(o *Options) {})
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			Read(uintptr(unsafe.Pointer(&benchVar[i&511])), 8)
			i++
		}
	})
}

var benchSites [512]Site

func BenchmarkReadAtAdaptive(b *testing.B) {
	withOptions(b, func(o *Options) { o.Sampling = samplingAdaptive; o.Skip = 100000 })
	for i := 0; i < b.N; i++ {
		ReadAt(&benchSites[0], uintptr(unsafe.Pointer(&benchVar[i&511])), 8)
	}
}

func BenchmarkReadAtAdaptiveParallel(b *testing.B) {
	withOptions(b, func(o *Options) { o.Sampling = samplingAdaptive; o.Skip = 100000 })
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			ReadAt(&benchSites[0], uintptr(unsafe.Pointer(&benchVar[i&511])), 8)
			i++
		}
	})
}

// The statement-level form the rewriter emits: an invocation-local
// budget and a site only read once hot.
func BenchmarkReadBudget(b *testing.B) {
	withOptions(b, func(o *Options) { o.Sampling = samplingAdaptive; o.Skip = 100000 })
	budget := Budget()
	for i := 0; i < b.N; i++ {
		if budget--; benchSites[1].Due(budget) {
			budget = ReadSlow(&benchSites[1], uintptr(unsafe.Pointer(&benchVar[i&511])), 8, budget)
		}
	}
}

func BenchmarkReadBudgetParallel(b *testing.B) {
	withOptions(b, func(o *Options) { o.Sampling = samplingAdaptive; o.Skip = 100000 })
	b.RunParallel(func(pb *testing.PB) {
		budget := Budget()
		i := 0
		for pb.Next() {
			if budget--; benchSites[2].Due(budget) {
				budget = ReadSlow(&benchSites[2], uintptr(unsafe.Pointer(&benchVar[i&511])), 8, budget)
			}
			i++
		}
	})
}

func BenchmarkPlainLoop(b *testing.B) {
	var s int64
	for i := 0; i < b.N; i++ {
		s += benchVar[i&511]
	}
	benchSink = s
}
