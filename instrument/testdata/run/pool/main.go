// Command pool is rewritten and run by TestPoolRelease: a goroutine
// writes and reads a field of an object, then puts the object into a
// sync.Pool; another goroutine gets it from the pool and writes the field.
// sync.Pool.Put synchronizes before the Get that returns the object (the
// Go memory model), so this is no race; but the read, watched and kept in
// flight by the reordering model, is released only by the Release the
// rewriter puts before the call of the (uninstrumented) standard library.
// This is zap's jsonEncoder pool (putJSONEncoder, then a Clone that gets
// the encoder and writes its buf), which gocsan reported as a race.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocsan/gocsan/report"
	gocsanrt "github.com/gocsan/gocsan/runtime"
	"github.com/gocsan/gocsan/runtime/record"
)

type encoder struct {
	buf []byte
	n   int
}

var (
	pool sync.Pool
	ops  atomic.Int64
)

// put is putJSONEncoder: the last use of e before the pool takes it.
func put(e *encoder) int {
	e.n = len(e.buf) // write
	ops.Add(1)       // a barrier: the write is no longer in flight
	n := e.n         // read: watched, then in flight until a release
	pool.Put(e)
	// Stay in this function (reordered accesses end at its return)
	// without any barrier while the other goroutine gets e.
	spin(20 * time.Millisecond)
	return n
}

// get is the Clone: it gets the encoder from the pool and writes it.
func get() int {
	var e *encoder
	for e == nil {
		e, _ = pool.Get().(*encoder)
		if e == nil {
			spin(0)
		}
	}
	e.n = 2 // write: conflicts with put's read if it is still in flight
	return e.n
}

// spin waits for d (at least one yield) with no instrumented barrier.
//
//go:norace
func spin(d time.Duration) {
	start := time.Now()
	runtime.Gosched()
	for time.Since(start) < d {
		runtime.Gosched()
	}
}

func main() {
	// One P: the object put stays in that P's private slot of the pool,
	// where the other goroutine, on the same P, gets it.
	runtime.GOMAXPROCS(1)
	gocsanrt.Subscribe(func(rec *record.Report) { fmt.Println("unexpected report:", report.Text(report.FromRecord(rec))) })
	n := 0
	for i := 0; i < 10; i++ {
		done := make(chan int)
		go func() { done <- get() }()
		n += put(&encoder{buf: make([]byte, 1)})
		n += <-done
	}
	fmt.Println("pool", n)
}
