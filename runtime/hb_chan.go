package runtime

import (
	"sync/atomic"
	"unsafe"
)

// Channels in the happens-before detector.
//
// Sends, receives and closes are releasing operations of the reordering
// model and publish the goroutine's epoch (hb_sync.go): a send happens
// before the receive that completes it, a receive before the send it
// completes (unbuffered) or that refills its slot (buffered), and
// publication covers both without a clock per channel.
//
// A close is modelled exactly instead: it joins the closer's clock into
// the channel's (a sync object keyed by the channel's address), and a
// receive acquires that clock once it returns (ChanRecv leaves the
// acquire pending until the goroutine's next event; a select case or a
// range loop acquires at the start of its body and after the loop). So
// a one-time setup closing a ready channel orders its writes only before
// the goroutines that receive from the channel, not before everyone:
// the setup racing with a first use that does not wait is reported.
//
// That holds only while every receive from the channel is seen. Two
// cases make a close publish again, as any release does:
//   - the channel escaped to code gocsan does not instrument, which may
//     receive from it and pass the knowledge on invisibly: passed as an
//     argument to a call that may run uninstrumented code, or returned by
//     a method (a Done method that a standard-library context calls
//     through an interface); ChanEscape marks it;
//   - some instrumented package has a receive the rewriter could not
//     hook (a channel operand with side effects, a range over a channel
//     variable the loop assigns): UnexactChannels, at that package's
//     initialization, makes every close publish.
// What remains unseen (a channel reaching uninstrumented code inside
// another value, or through a function value returning it) is a
// documented limit (docs/engine.md).

// chansInexact is set by UnexactChannels; loaded by ChanClose.
var chansInexact atomic.Bool

// chanAddr returns the address of the channel in c (an interface holding
// a channel: its data word is the channel pointer), 0 for nil.
func chanAddr(c any) uintptr {
	return uintptr((*[2]unsafe.Pointer)(unsafe.Pointer(&c))[1])
}

// ChanRecv is called right before a receive from c (c holds the
// channel): a releasing barrier, and the acquire of c's close clock is
// left for the goroutine's next event, after the receive.
func ChanRecv(c any) {
	Release()
	if hbOn.Load() {
		if a := chanAddr(c); a != 0 {
			hbChanRecv(a)
		}
	}
}

// ChanAcquire is called right after a receive from c whose hook could
// not go before it (a select case, an iteration of a range loop).
func ChanAcquire(c any) {
	if hbOn.Load() {
		if a := chanAddr(c); a != 0 {
			hbChanAcquire(a)
		}
	}
}

// ChanClose is called right before close(c).
func ChanClose(c any) {
	releaseReorder()
	if hbOn.Load() {
		if a := chanAddr(c); a != 0 {
			hbChanClose(a)
		}
	}
}

// ChanEscape is called before c is passed to code that may be
// uninstrumented, or returned by a method.
func ChanEscape(c any) {
	if hbOn.Load() {
		if a := chanAddr(c); a != 0 {
			hbChanEscape(a)
		}
	}
}

// UnexactChannels is called at the initialization of a package with a
// receive the rewriter could not hook: from then on every close
// publishes.
func UnexactChannels() bool {
	chansInexact.Store(true)
	return true
}

func hbChanRecv(addr uintptr) {
	_, st := hbCur()
	if st == nil {
		return
	}
	st.pending[2].Store(addr)
}

func hbChanAcquire(addr uintptr) {
	w, st := hbCur()
	if st == nil {
		return
	}
	w.acquire(st, addr)
}

func hbChanClose(addr uintptr) {
	w, st := hbCur()
	if st == nil {
		return
	}
	so := w.syncObj(addr, true)
	publish := chansInexact.Load() || so == nil
	if so != nil {
		so.mu.Lock()
		so.releaseFrom(st)
		publish = publish || so.escaped
		so.mu.Unlock()
	}
	if publish {
		hbPublish()
		return
	}
	w.tick(st)
}

func hbChanEscape(addr uintptr) {
	w, st := hbCur()
	if st == nil {
		return
	}
	if so := w.syncObj(addr, true); so != nil {
		so.mu.Lock()
		so.escaped = true
		so.mu.Unlock()
	}
}
