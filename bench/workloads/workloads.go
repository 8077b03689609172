package workloads

import (
	"sync"
	"sync/atomic"
)

// SumSlice adds up s: a tight loop of slice reads.
func SumSlice(s []int) int {
	t := 0
	for i := range s {
		t += s[i]
	}
	return t
}

// ScaleSlice multiplies every element of s in place.
func ScaleSlice(s []int, k int) {
	for i := range s {
		s[i] *= k
	}
}

// MapOps inserts n keys into m and looks each up.
func MapOps(m map[int]int, n int) int {
	for i := 0; i < n; i++ {
		m[i] = i
	}
	t := 0
	for i := 0; i < n; i++ {
		t += m[i]
	}
	return t
}

// Particle is a small struct updated field by field.
type Particle struct {
	X, Y, VX, VY float64
	Hits         int
}

// Step moves every particle and bounces it off the unit box.
func Step(ps []Particle) {
	for i := range ps {
		p := &ps[i]
		p.X += p.VX
		p.Y += p.VY
		if p.X < 0 || p.X > 1 {
			p.VX = -p.VX
			p.Hits++
		}
		if p.Y < 0 || p.Y > 1 {
			p.VY = -p.VY
			p.Hits++
		}
	}
}

// WorkerPool squares jobs on w workers and sums the results.
func WorkerPool(jobs []int, w int) int {
	in := make(chan int, 64)
	out := make(chan int, 64)
	var wg sync.WaitGroup
	for i := 0; i < w; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range in {
				out <- j * j
			}
		}()
	}
	go func() {
		for _, j := range jobs {
			in <- j
		}
		close(in)
	}()
	go func() { wg.Wait(); close(out) }()
	t := 0
	for r := range out {
		t += r
	}
	return t
}

// Counter is a mutex-protected counter.
type Counter struct {
	mu sync.Mutex
	n  map[string]int
}

// Inc increments key.
func (c *Counter) Inc(key string) {
	c.mu.Lock()
	c.n[key]++
	c.mu.Unlock()
}

// PingPong passes a token n times between two goroutines.
func PingPong(n int) {
	a, b := make(chan int), make(chan int)
	go func() {
		for v := range a {
			b <- v + 1
		}
		close(b)
	}()
	for i := 0; i < n; i++ {
		a <- i
		<-b
	}
	close(a)
}

// AtomicCount increments c n times from g goroutines.
func AtomicCount(c *atomic.Int64, n, g int) {
	var wg sync.WaitGroup
	for i := 0; i < g; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < n; j++ {
				c.Add(1)
			}
		}()
	}
	wg.Wait()
}
