// Command evalorder is rewritten and run by the instrument package's
// tests: in each scenario one statement synchronizes (a receive, a call,
// && or ||) before it accesses memory another goroutine wrote before
// synchronizing with it, so the access is ordered and must not be
// reported; a check placed before the synchronizing operation would watch
// the address while the other goroutine still writes it. The racy
// scenarios write after synchronizing instead and must be reported. It
// prints "NAME REPORTS" per scenario.
package main

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	gocsanrt "github.com/gocsan/gocsan/runtime"
	"github.com/gocsan/gocsan/runtime/record"
)

type S struct {
	x, a, b, v int
	m          map[string]int
}

var sink int

func use(b bool, x int) {
	if b {
		sink += x
	}
}

func wait(wg *sync.WaitGroup) int {
	wg.Wait()
	return 0
}

func waitTwo(wg *sync.WaitGroup) (int, int) {
	wg.Wait()
	return 1, 2
}

// A receive, then a read in the same statement:
// prometheus/client_golang's TestGaugeConcurrency.
func receive() {
	s, ch := &S{}, make(chan int)
	go func() { s.x = 1; ch <- 1 }()
	v, w := <-ch, s.x
	sink += v + w
}

func ifInit() {
	s, ch := &S{}, make(chan int)
	go func() { s.x = 1; ch <- 1 }()
	if v, w := <-ch, s.x; v != w {
		sink++
	}
}

func call() {
	s := &S{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { s.x = 1; wg.Done() }()
	v := wait(&wg) + s.x
	sink += v
}

func argument() {
	s := &S{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { s.x = 1; wg.Done() }()
	sink += max(s.x, wait(&wg))
}

func and() {
	s, ch := &S{}, make(chan int)
	go func() { s.x = 1; ch <- 1 }()
	use(<-ch == 1 && sink >= 0, s.x)
}

func or() {
	s, ch := &S{}, make(chan int)
	go func() { s.x = 1; ch <- 1 }()
	use(<-ch == 0 || sink >= 0, s.x)
}

func mapIndex() {
	s, ch := &S{m: map[string]int{}}, make(chan int)
	go func() { s.m["a"] = 1; ch <- 1 }()
	v := <-ch + s.m["a"]
	sink += v
}

func multiValue() {
	s, ch := &S{}, make(chan int)
	go func() { s.v = 1; ch <- 2 }()
	var ok bool
	s.v, ok = <-ch
	_ = ok
}

func multiCall() {
	s := &S{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { s.a, s.b = 1, 1; wg.Done() }()
	s.a, s.b = waitTwo(&wg)
}

func assignAfter() {
	s, ch := &S{}, make(chan int)
	go func() { s.a, s.b = 1, 1; ch <- 1 }()
	s.a, s.b = <-ch, s.x
}

func returns() int {
	s, ch := &S{}, make(chan int)
	go func() { s.x = 1; ch <- 1 }()
	return <-ch + s.x
}

func waitFor(wg *sync.WaitGroup, s *S) *S {
	wg.Wait()
	return s
}

// An access through an operand with side effects, spanning lines: the
// call synchronizes, then the field is read.
func effect() {
	s := &S{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { s.x = 1; wg.Done() }()
	v := waitFor(
		&wg,
		s,
	).x
	sink += v
}

// The racy twins: the other goroutine writes after synchronizing.
func receiveRacy() {
	s, ch := &S{}, make(chan int)
	done := make(chan bool)
	go func() { ch <- 1; s.x = 1; done <- true }()
	v, w := <-ch, s.x
	<-done
	sink += v + w
}

func multiValueRacy() {
	s, ch := &S{}, make(chan int)
	done := make(chan bool)
	go func() { ch <- 2; s.v = 1; done <- true }()
	var ok bool
	s.v, ok = <-ch
	<-done
	_ = ok
}

func effectRacy() {
	s, ch := &S{}, make(chan int)
	done := make(chan bool)
	go func() { ch <- 1; s.x = 1; done <- true }()
	var wg sync.WaitGroup
	<-ch
	waitFor(&wg, s).x = 2
	<-done
}

func main() {
	var reports atomic.Int64
	gocsanrt.Subscribe(func(*record.Report) { reports.Add(1) })
	for _, sc := range []struct {
		name string
		f    func()
	}{
		{"receive", receive}, {"ifinit", ifInit}, {"call", call}, {"argument", argument},
		{"and", and}, {"or", or}, {"mapindex", mapIndex}, {"multivalue", multiValue},
		{"multicall", multiCall}, {"assignafter", assignAfter}, {"return", func() { sink += returns() }},
		{"effect", effect},
		{"receiveracy", receiveRacy}, {"multivalueracy", multiValueRacy}, {"effectracy", effectRacy},
	} {
		before := reports.Load()
		for i := 0; i < 5; i++ {
			sc.f()
		}
		fmt.Println(sc.name, reports.Load()-before)
	}
	os.Exit(0)
}
