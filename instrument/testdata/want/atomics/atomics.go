package atomics

import (
	"sync/atomic"
	"unsafe"
)

type S struct {
	n   int64
	u   atomic.Uint32
	b   atomic.Bool
	p   atomic.Pointer[S]
	v   atomic.Value
	i64 atomic.Int64
	ptr unsafe.Pointer
}

var global int32

func f(s *S) {
	atomic.AddInt64(&s.n, 1)                  // want "AtomicReadWrite s.n 8"
	_ = atomic.LoadInt64(&s.n)                // want "AtomicRead s.n 8"
	atomic.StoreInt32(&global, 2)             // want "AtomicWrite global 4"
	atomic.CompareAndSwapInt32(&global, 1, 2) // want "AtomicReadWrite global 4"
	_ = atomic.SwapInt64(&s.n, 3)             // want "AtomicReadWrite s.n 8"
	_ = atomic.LoadPointer(&s.ptr)            // want "AtomicRead s.ptr 8"
	s.u.Add(1)                                // want "AtomicReadWrite s.u 4"
	_ = s.b.Load()                            // want "AtomicRead s.b 4"
	s.p.Store(s)                              // want "AtomicWrite s.p 8"
	s.v.Store(1)                              // want "AtomicWrite s.v 16"
	_ = s.i64.CompareAndSwap(1, 2)            // want "AtomicReadWrite s.i64 8"
	s.n = 4                                   // want "Write s.n 8"
	var local atomic.Int64
	local.Add(1)                    // want "AtomicReadWrite local 8"
	defer atomic.AddInt64(&s.n, -1) // runs later: not checked here
}
