package runtime

import (
	"runtime"
	"unsafe"
)

// Goroutine ids. The only public source of the id is runtime.Stack's
// first line ("goroutine 17 [running]:"), which costs a microsecond or
// more, and more the deeper the stack: far too much for every Lock and
// Unlock under lockdep. The fast path reads the id out of the current
// goroutine's runtime.g, which a few instructions of assembly (getg)
// return. The goid field's offset is not part of any API and moves
// between Go versions, so it is not hard-coded: it is found once, on first
// use, by looking for the slow path's answer in the g of several
// goroutines, and the slow path stays in use wherever that is not
// conclusive (and on architectures without getg).

// goidScan bounds the calibration's scan of a g. The scan must stay
// inside the g's allocation (a g is 456 bytes in Go 1.26, with goid at
// 152, and has long been larger than this), since the memory after it may
// be the end of the span.
const goidScan = 384

// goidProbes is how many fresh goroutines the calibration looks at besides
// the caller: their ids differ, so a field that only happens to hold one
// goroutine's id does not survive.
const goidProbes = 4

var goidOffset struct {
	once once
	ok   bool
	off  uintptr
}

// goid returns the current goroutine's id.
func goid() int64 {
	goidOffset.once.Do(calibrateGoid)
	if goidOffset.ok {
		return loadGoid(getg(), goidOffset.off)
	}
	return goidSlow()
}

// goidSlow returns the current goroutine's id from runtime.Stack.
func goidSlow() int64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	return parseGoid(string(buf[:n]))
}

// calibrateGoid finds the offset of the goid field in runtime.g: the one
// offset at which the current goroutine and goidProbes fresh ones all
// hold their own id. Anything else (no candidate, several, a goroutine
// whose slow id cannot be parsed) leaves goid on the slow path.
func calibrateGoid() {
	g := getg()
	if g == nil {
		return
	}
	offs := goidCandidates(g, goidSlow())
	for i := 0; i < goidProbes && len(offs) > 0; i++ {
		ch := make(chan []uintptr)
		go func() { ch <- goidCandidates(getg(), goidSlow()) }()
		offs = intersectOffsets(offs, <-ch)
	}
	if len(offs) == 1 {
		goidOffset.off, goidOffset.ok = offs[0], true
	}
}

// goidCandidates returns the offsets of the 8-byte words of g, the
// current goroutine's runtime.g, that equal id. The runtime writes its
// own g without telling the race detector, so the reads are neither
// race- nor pointer-checked.
//
//go:norace
//go:nocheckptr
func goidCandidates(g unsafe.Pointer, id int64) []uintptr {
	if id <= 0 {
		return nil
	}
	var offs []uintptr
	for off := uintptr(0); off+8 <= goidScan; off += 8 {
		if *(*int64)(unsafe.Add(g, off)) == id {
			offs = append(offs, off)
		}
	}
	return offs
}

func intersectOffsets(a, b []uintptr) []uintptr {
	var out []uintptr
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// loadGoid reads the goid field of g. The field is written once, when the
// g is given to a new goroutine, by that goroutine's creator before it
// starts, so the running goroutine always sees its own id.
//
//go:norace
//go:nocheckptr
func loadGoid(g unsafe.Pointer, off uintptr) int64 {
	return *(*int64)(unsafe.Add(g, off))
}
