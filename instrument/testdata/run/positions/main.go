// Command positions is rewritten and run by the instrument package's
// tests: it prints runtime.Caller positions, panics, and provokes one
// race, so the tests can compare what the program sees with the lines
// marked "mark:NAME" in this file.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gocsan/gocsan/report"
	gocsanrt "github.com/gocsan/gocsan/runtime"
	"github.com/gocsan/gocsan/runtime/record"
)

type T struct{ x, y int }

var g int

// mark prints its caller's position under name.
func mark(name string) int {
	_, file, line, _ := runtime.Caller(1)
	fmt.Printf("%s %s:%d\n", name, file, line)
	return 0
}

func caller() {
	p := &T{}
	p.x = g + 1 + mark("caller1")          // mark:caller1
	if p.x > 0 && p.y == mark("caller2") { // mark:caller2
		p.y = 1
	}
	for i := 0; i < p.x && g == mark("caller3"); i++ { // mark:caller3
		g++
	}
	f := func() {
		g += p.y + mark("caller4") // mark:caller4
	}
	f()
	switch x := p.x; p.y + mark("caller5") { // mark:caller5
	case x:
	}
	mark("caller6") // mark:caller6
}

func panics() {
	var p *T
	p.x = 1 // mark:panic
}

func race() {
	p := &T{}
	provoke(func(i int) {
		p.x = i // mark:racewrite
	}, func() int {
		return p.x // mark:raceread
	})
}

// fill's per-element checks are hoisted into one ranged write before the
// loop, which carries the position of s[i].
func fill(s []int) {
	for i := range s {
		s[i] = i // mark:hoistracewrite
	}
}

// hoistRace races a hoisted loop's writes with a read of one element.
func hoistRace() {
	s := make([]int, 8)
	provoke(func(int) { fill(s) }, func() int {
		return s[3] // mark:hoistraceread
	})
}

// provoke runs write and read on two goroutines until gocsan reports a
// race, prints the accesses of the first report in this file, and exits.
func provoke(write func(int), read func() int) {
	var stop atomic.Bool
	done := make(chan *report.Report, 1)
	gocsanrt.Subscribe(func(rec *record.Report) {
		r := report.FromRecord(rec)
		select {
		case done <- r:
		default:
		}
		stop.Store(true)
	})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			write(i)
		}
	}()
	go func() {
		defer wg.Done()
		v := 0
		for !stop.Load() {
			v += read()
		}
		_ = v
	}()
	wg.Wait()
	r := <-done
	for _, a := range r.Accesses {
		for _, fr := range a.Stack {
			if fr.File == thisFile() {
				fmt.Printf("race %s %s:%d\n", a.Op, fr.File, fr.Line)
				break
			}
		}
	}
	os.Exit(0) // replaced by the runtime's Exit: exits with the race exit code
}

var muA, muB sync.Mutex

// lockorder takes two locks in both orders: lockdep reports the cycle.
func lockorder() {
	gocsanrt.Subscribe(func(rec *record.Report) {
		r := report.FromRecord(rec)
		for _, a := range r.Accesses {
			if a.LockClass == "" {
				continue
			}
			for _, fr := range a.Stack {
				if fr.File == thisFile() {
					fmt.Printf("%s %s held %s %s:%d\n", r.Kind, a.LockClass, a.HeldClass, fr.File, fr.Line)
					break
				}
			}
		}
	})
	muA.Lock()
	muB.Lock() // mark:lockAB
	muB.Unlock()
	muA.Unlock()
	muB.Lock()
	muA.Lock() // mark:lockBA
	muA.Unlock()
	muB.Unlock()
}

type result struct{ v [4]int }

// barriers publishes results through WaitGroup.Done, close and a channel
// send, each deferred or not: with the reordering model on, a missing
// Release before them would leave the writes "in flight" and report the
// reads after the synchronization.
func barriers() {
	n := 0
	gocsanrt.Subscribe(func(rec *record.Report) { fmt.Println("unexpected report:", report.Text(report.FromRecord(rec))) })
	for i := 0; i < 50; i++ {
		res := &result{}
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			res.v[0] = i
		}()
		wg.Wait()
		n += res.v[0]

		done := make(chan struct{})
		go func() {
			defer close(done)
			res.v[1] = i
		}()
		<-done
		n += res.v[1]

		ch := make(chan int, 1)
		go func() {
			res.v[2] = i
			ch <- 1
		}()
		<-ch
		n += res.v[2]

		var mu sync.Mutex
		mu.Lock()
		go func() {
			defer mu.Unlock()
			res.v[3] = i
		}()
		mu.Lock()
		n += res.v[3]
		mu.Unlock()
	}
	fmt.Println("barriers", n)
}

var grown []int

func grow() int { grown = append(grown, 0); return 1 }

type config struct{ x int }

var conf *config

func load() int { conf = &config{}; return 2 }

// order relies on the compiler calling grow and load before it indexes
// grown and dereferences conf: checks hoisted before the statements would
// panic.
func order() {
	grown[0] = grow()
	conf.x = load()
	fmt.Println("order", grown, conf.x)
}

type counter struct {
	mu sync.Mutex
	n  int
	m  map[int]int
	s  []int
}

func work(c *counter, wg *sync.WaitGroup) {
	defer wg.Done()
	c.mu.Lock()
	defer c.mu.Unlock()
	x := 0
	p := &x // x is address-taken: its accesses are checked
	*p = 1
	for i := 0; i < len(c.s) && c.s[i] >= 0; i++ {
		c.n += c.s[i]
	}
	c.m[1]++
	c.n += x
}

// allocs measures the allocations of work: instrumentation must add none
// (addresses are passed as uintptr, hooks and wrappers do not escape).
func allocs() {
	c := &counter{m: map[int]int{1: 0}, s: make([]int, 8)}
	var wg sync.WaitGroup
	n := testing.AllocsPerRun(100, func() {
		wg.Add(1)
		work(c, &wg)
	})
	fmt.Println("allocs", n)
}

func thisFile() string {
	_, file, _, _ := runtime.Caller(0)
	return file
}

func main() {
	switch os.Args[1] {
	case "caller":
		caller()
	case "panic":
		panics()
	case "race":
		race()
	case "hoistrace":
		hoistRace()
	case "lockorder":
		lockorder()
	case "barriers":
		barriers()
	case "order":
		order()
	case "allocs":
		allocs()
	}
}
