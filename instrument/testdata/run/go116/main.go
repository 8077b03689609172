// Command go116 is rewritten and built at -lang=go1.16 by the instrument
// package's tests, as for a module whose go directive predates
// unsafe.SliceData (go1.20) and generics (go1.18): its bulk operations
// (copy, append, string conversions) over shared data are still checked,
// and the race between a copy and an append into the same array is found.
// Its deferred sync.Pool.Put is released in go1.16 syntax (interface{},
// not any: echo v4.7.2 and sarama v1.29.1 did not build).
package main

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	gocsanrt "github.com/gocsan/gocsan/runtime"
	"github.com/gocsan/gocsan/runtime/record"
)

var (
	src  = make([]byte, 64)
	dst  = make([]byte, 64)
	text string
	pool sync.Pool
)

// pooled gives back to the pool in a deferred call of the standard
// library, which the rewriter makes release when it runs.
func pooled() int {
	b := []byte("x")
	defer pool.Put(b)
	return len(b)
}

func main() {
	var reports int64
	gocsanrt.Subscribe(func(*record.Report) { atomic.AddInt64(&reports, 1) })
	done := make(chan bool)
	go func() {
		for i := 0; i < 20; i++ {
			copy(dst, src) // mark:copy
		}
		done <- true
	}()
	for i := 0; i < 20; i++ {
		src = append(src[:0], "0123456789abcdef0123456789abcdef"...) // mark:append
	}
	<-done
	text = string(dst)
	_ = pooled()
	fmt.Println("reports", atomic.LoadInt64(&reports), len(text))
	os.Exit(0)
}
