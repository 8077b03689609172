package main

import "sync"

type T struct {
	x, y int
	next *T
}

var g int

// Every function body with a statement-level check declares its own
// budget: a closure never uses the enclosing function's.
func outer(p *T, m map[int]int) func() int {
	p.x = 1
	inner := func() int {
		p.y++
		return p.y
	}
	quiet := func(q *T) {
		// Only expression-level checks and an inserted function
		// literal: no budget here, none captured from outer.
		for ; q != nil && q.x > 0; q = q.next {
		}
	}
	quiet(p)
	m[1] = 2
	return inner
}

func oneLiner(p *T) { p.x++ }

func labels(p *T) {
L:
	p.x++
	if p.x < 10 {
		goto L
	}
	if p.y > 0 {
	} else if v := p.x; v > g {
	}
}

//go:nosplit
func nosplit(p *T) { p.x++ }

func workers(n int) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			total += i
			mu.Unlock()
		}()
	}
	wg.Wait()
	return total
}

func main() {
	p := &T{}
	outer(p, map[int]int{})()
	oneLiner(p)
	labels(p)
	nosplit(p)
	g = workers(3)
}
