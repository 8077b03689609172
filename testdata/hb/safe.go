package hb

import (
	"context"
	"io"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"example.com/hbdep"
)

// The race-free twins: each writes shared data in one goroutine and
// reads or writes it in another, ordered by one edge of the Go memory
// model. The goroutine that accesses second sleeps first where that
// makes the accesses far apart in time, as in the racy cases.

type box struct{ v, w int }

// SafeGo: a write before the go statement, a read in the goroutine.
func SafeGo() int {
	b := &box{v: 1}
	done := make(chan int)
	go func() { done <- b.v }()
	return <-done
}

// SafeSendRecv: a send happens before the receive that completes it.
func SafeSendRecv() int {
	b := &box{}
	c := make(chan bool)
	go func() {
		b.v = 1
		c <- true
	}()
	<-c
	return b.v
}

// SafeRecvBeforeSendCompletes: on an unbuffered channel, the receive
// happens before the send completes.
func SafeRecvBeforeSendCompletes() int {
	b := &box{}
	c := make(chan bool)
	done := make(chan bool)
	go func() {
		b.v = 1
		<-c
		done <- true
	}()
	time.Sleep(gap)
	c <- true
	r := b.v
	<-done
	return r
}

// SafeBuffered: with capacity C, receive k happens before send k+C
// completes.
func SafeBuffered() int {
	b := &box{}
	sem := make(chan bool, 1)
	sem <- true
	done := make(chan bool)
	go func() {
		b.v = 1
		<-sem
		done <- true
	}()
	sem <- true // completes after the goroutine's receive
	r := b.v
	<-done
	return r
}

// SafeClose: a close happens before a receive that sees it.
func SafeClose() int {
	b := &box{}
	ready := make(chan struct{})
	go func() {
		b.v = 1
		close(ready)
	}()
	time.Sleep(gap)
	<-ready
	return b.v
}

// SafeSelect: the select's chosen case orders the data.
func SafeSelect() int {
	b := &box{}
	data := make(chan int)
	quit := make(chan bool)
	go func() {
		b.v = 1
		data <- 1
	}()
	select {
	case <-data:
	case <-quit:
	}
	return b.v
}

// SafeRange: every value received by a range loop was sent after its
// data was written.
func SafeRange() int {
	vals := make([]int, 4)
	c := make(chan int)
	go func() {
		for i := range vals {
			vals[i] = i
			c <- i
		}
		close(c)
	}()
	sum := 0
	for i := range c {
		sum += vals[i]
	}
	return sum
}

// SafeMutex: an unlock happens before the next lock.
func SafeMutex() int {
	var mu sync.Mutex
	b := &box{}
	go func() {
		mu.Lock()
		b.v++
		mu.Unlock()
	}()
	time.Sleep(gap)
	mu.Lock()
	defer mu.Unlock()
	return b.v
}

// SafeRWMutex: a writer's unlock happens before a later read lock, a
// reader's unlock before a later write lock.
func SafeRWMutex() int {
	var mu sync.RWMutex
	b := &box{}
	go func() {
		mu.Lock()
		b.v = 1
		mu.Unlock()
	}()
	time.Sleep(gap)
	mu.RLock()
	r := b.v
	mu.RUnlock()
	read := make(chan int, 1)
	go func() {
		mu.RLock()
		w := b.w
		mu.RUnlock()
		read <- w
	}()
	time.Sleep(gap)
	mu.Lock()
	b.w = 2
	mu.Unlock()
	return r + <-read
}

// SafeWaitGroup: Done happens before the Wait it unblocks.
func SafeWaitGroup() int {
	var wg sync.WaitGroup
	vals := make([]int, 4)
	for i := range vals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vals[i] = i
		}()
	}
	wg.Wait()
	return vals[0] + vals[1] + vals[2] + vals[3]
}

// SafeOnce: the function of Do happens before every Do returns.
func SafeOnce() int {
	var once sync.Once
	b := &box{}
	init := func() { b.v = 1 }
	done := make(chan int)
	go func() {
		once.Do(init)
		done <- 0
	}()
	time.Sleep(gap)
	once.Do(init)
	r := b.v
	<-done
	return r
}

// SafeCond: a Signal after the condition is set wakes the waiter.
func SafeCond() int {
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	b := &box{}
	ready := false
	go func() {
		b.v = 1
		mu.Lock()
		ready = true
		mu.Unlock()
		cond.Signal()
	}()
	mu.Lock()
	for !ready {
		cond.Wait()
	}
	mu.Unlock()
	return b.v
}

// SafeSyncMap: a Store happens before the Load that observes it.
func SafeSyncMap() int {
	var m sync.Map
	go func() {
		b := &box{v: 1}
		m.Store("k", b)
	}()
	for {
		if v, ok := m.Load("k"); ok {
			return v.(*box).v
		}
		time.Sleep(time.Millisecond / 10)
	}
}

// SafePool: a Put happens before the Get that returns the item.
func SafePool() int {
	var p sync.Pool
	done := make(chan bool)
	go func() {
		b := &box{v: 1}
		p.Put(b)
		done <- true
	}()
	<-done
	sum := 0
	if b, ok := p.Get().(*box); ok {
		b.v++
		sum = b.v
	}
	return sum
}

// SafeAtomic: a store happens before the load that observes it.
func SafeAtomic() int {
	b := &box{}
	var ready atomic.Bool
	go func() {
		b.v = 1
		ready.Store(true)
	}()
	for !ready.Load() {
		time.Sleep(time.Millisecond / 10)
	}
	return b.v
}

// SafeAfterFunc: time.AfterFunc happens before its function runs.
func SafeAfterFunc() int {
	b := &box{v: 1}
	done := make(chan int)
	time.AfterFunc(time.Millisecond, func() {
		b.w = b.v
		done <- b.w
	})
	return <-done
}

// SafeFinalizer: runtime.SetFinalizer happens before the finalizer runs.
func SafeFinalizer() int {
	b := &box{}
	done := make(chan int, 1)
	obj := new([64]byte)
	b.v = 1
	runtime.SetFinalizer(obj, func(*[64]byte) { done <- b.v })
	obj = nil
	for {
		runtime.GC()
		select {
		case v := <-done:
			return v
		case <-time.After(time.Millisecond):
		}
	}
}

// SafeContext: cancel happens before the Done channel's close is seen.
func SafeContext() int {
	b := &box{}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		b.v = 1
		cancel()
	}()
	<-ctx.Done()
	return b.v
}

// SafeIOPipe: a Write happens before the Read that receives its bytes.
func SafeIOPipe() int {
	b := &box{}
	pr, pw := io.Pipe()
	go func() {
		b.v = 1
		pw.Write([]byte{1})
		pw.Close()
	}()
	io.ReadAll(pr)
	return b.v
}

// SafeNetPipe: the same over net.Pipe.
func SafeNetPipe() int {
	b := &box{}
	c1, c2 := net.Pipe()
	defer c2.Close()
	go func() {
		b.v = 1
		c1.Write([]byte{1})
		c1.Close()
	}()
	buf := make([]byte, 1)
	c2.Read(buf)
	return b.v
}

// SafeTCP: bytes sent over loopback TCP order what was written before.
func SafeTCP() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	b := &box{}
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 1)
		c.Read(buf)
		b.w = b.v + 1
		c.Write(buf)
	}()
	b.v = 1
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return 0, err
	}
	defer c.Close()
	buf := []byte{1}
	c.Write(buf)
	if _, err := c.Read(buf); err != nil {
		return 0, err
	}
	return b.w, nil
}

// SafeDependency: a queue of a dependency gocsan does not instrument
// orders the data put through it.
func SafeDependency() int {
	b := &box{}
	q := hbdep.New()
	go func() {
		b.v = 1
		q.Put(b)
	}()
	time.Sleep(gap)
	r := q.Get().(*box)
	return r.v + b.w
}

// SafeCloseSelect: a close seen by a select case orders what the closer
// wrote.
func SafeCloseSelect() int {
	b := &box{}
	done := make(chan struct{})
	other := make(chan int)
	go func() {
		b.v = 1
		close(done)
	}()
	time.Sleep(gap)
	select {
	case <-done:
	case <-other:
	}
	return b.v
}

// SafeCloseRange: the close that ends a range loop orders what the
// closer wrote after its last send.
func SafeCloseRange() int {
	b := &box{}
	c := make(chan int)
	go func() {
		c <- 1
		b.v = 1
		close(c)
	}()
	n := 0
	for v := range c {
		n += v
	}
	return n + b.v
}

// SafeCloseThroughDependency: the closed channel is received by a
// dependency gocsan does not instrument, which passes the news on
// through its queue.
func SafeCloseThroughDependency() int {
	b := &box{}
	done := make(chan struct{})
	q := hbdep.New()
	go hbdep.Forward(done, q, 1)
	go func() {
		b.v = 1
		close(done)
		// Alive, publishing nothing, until the read: what it
		// knows is neither published nor the dead's.
		time.Sleep(5 * gap)
	}()
	q.Get()
	return b.v
}

// doneCtx is a context whose Done channel user code closes; the
// standard library receives from it.
type doneCtx struct {
	context.Context
	done chan struct{}
}

func (c doneCtx) Done() <-chan struct{} { return c.done }

func (c doneCtx) Err() error {
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}

// SafeCustomContext: closing a custom context's Done channel cancels
// a child context the standard library derived from it.
func SafeCustomContext() int {
	b := &box{}
	parent := doneCtx{Context: context.Background(), done: make(chan struct{})}
	child, cancel := context.WithCancel(parent)
	defer cancel()
	go func() {
		b.v = 1
		close(parent.done)
		// Alive, publishing nothing, until the read: what it
		// knows is neither published nor the dead's.
		time.Sleep(5 * gap)
	}()
	<-child.Done()
	return b.v
}
