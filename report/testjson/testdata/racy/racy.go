// Package racy is a racy package instrumented by hand, the way gocsan's
// rewriter instruments code, for the tests of the report writers.
package racy

import (
	"sync/atomic"
	"unsafe"

	gocsan "github.com/gocsan/gocsan/runtime"
)

// Counter is incremented without synchronization.
type Counter struct{ n int64 }

// Inc is the racy write. The memory effect is atomic so go test -race
// stays quiet; gocsan sees the plain access announced before it.
//
//go:noinline
func (c *Counter) Inc() {
	gocsan.ReadWrite(uintptr(unsafe.Pointer(&c.n)), 8)
	atomic.AddInt64(&c.n, 1)
}

// Get is the racy read.
//
//go:noinline
func (c *Counter) Get() int64 {
	gocsan.Read(uintptr(unsafe.Pointer(&c.n)), 8)
	return atomic.LoadInt64(&c.n)
}

// Flag is another racy variable, for a second, distinct race.
var Flag int64

// SetFlag writes Flag.
//
//go:noinline
func SetFlag() {
	gocsan.Write(uintptr(unsafe.Pointer(&Flag)), 8)
	atomic.StoreInt64(&Flag, 1)
}

// ReadFlag reads Flag.
//
//go:noinline
func ReadFlag() int64 {
	gocsan.Read(uintptr(unsafe.Pointer(&Flag)), 8)
	return atomic.LoadInt64(&Flag)
}

// Crash is raced by the test that crashes its binary afterwards.
var Crash int64

// CrashWrite writes Crash.
//
//go:noinline
func CrashWrite() {
	gocsan.Write(uintptr(unsafe.Pointer(&Crash)), 8)
	atomic.AddInt64(&Crash, 1)
}

// CrashRead reads Crash.
//
//go:noinline
func CrashRead() int64 {
	gocsan.Read(uintptr(unsafe.Pointer(&Crash)), 8)
	return atomic.LoadInt64(&Crash)
}
