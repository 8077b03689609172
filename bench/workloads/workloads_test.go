package workloads

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

func BenchmarkSliceSum(b *testing.B) {
	s := make([]int, 4096)
	for i := range s {
		s[i] = i
	}
	for i := 0; i < b.N; i++ {
		SumSlice(s)
	}
}

func BenchmarkSliceScale(b *testing.B) {
	s := make([]int, 4096)
	for i := 0; i < b.N; i++ {
		ScaleSlice(s, 3)
	}
}

func BenchmarkMap(b *testing.B) {
	for i := 0; i < b.N; i++ {
		MapOps(make(map[int]int, 256), 256)
	}
}

func BenchmarkStructStep(b *testing.B) {
	ps := make([]Particle, 1024)
	for i := range ps {
		ps[i] = Particle{X: 0.5, Y: 0.5, VX: 0.01 * float64(i%7), VY: 0.02}
	}
	for i := 0; i < b.N; i++ {
		Step(ps)
	}
}

func BenchmarkWorkerPool(b *testing.B) {
	jobs := make([]int, 1024)
	for i := 0; i < b.N; i++ {
		WorkerPool(jobs, 4)
	}
}

func BenchmarkMutexHeavy(b *testing.B) {
	c := &Counter{n: map[string]int{}}
	keys := make([]string, 16)
	for i := range keys {
		keys[i] = strconv.Itoa(i)
	}
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			c.Inc(keys[i&15])
			i++
		}
	})
}

func BenchmarkChannelPingPong(b *testing.B) {
	PingPong(b.N)
}

func BenchmarkAtomicCounters(b *testing.B) {
	var c atomic.Int64
	AtomicCount(&c, b.N, 4)
}

// TestWorkloads checks the workloads compute what they should, so a
// benchmark never measures a broken loop.
func TestWorkloads(t *testing.T) {
	if got := SumSlice([]int{1, 2, 3}); got != 6 {
		t.Errorf("SumSlice = %d", got)
	}
	if got := MapOps(map[int]int{}, 10); got != 45 {
		t.Errorf("MapOps = %d", got)
	}
	if got := WorkerPool([]int{1, 2, 3}, 2); got != 14 {
		t.Errorf("WorkerPool = %d", got)
	}
	c := &Counter{n: map[string]int{}}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); c.Inc("k") }()
	}
	wg.Wait()
	if c.n["k"] != 4 {
		t.Errorf("Counter = %d", c.n["k"])
	}
	var a atomic.Int64
	AtomicCount(&a, 100, 3)
	if a.Load() != 300 {
		t.Errorf("AtomicCount = %d", a.Load())
	}
	PingPong(10)
	ps := []Particle{{X: 0.99, VX: 0.02}}
	Step(ps)
	if ps[0].Hits != 1 {
		t.Errorf("Step hits = %d", ps[0].Hits)
	}
}
