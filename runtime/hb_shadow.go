package runtime

import (
	"sync/atomic"
	"unsafe"
)

// The shadow table of the happens-before detector: for each sampled
// address (8-byte granule) the last write and up to hbReads recent reads,
// each with its goroutine's slot and epoch (FastTrack's epochs: one
// compare per earlier access) and the id of its stack in the depot.
//
// The table is direct-mapped and bounded (3/8 of option hb_memory,
// allocated in chunks as addresses are first seen): an address whose cell
// another address took is forgotten, which only misses races. Reads
// beyond hbReads replace one of the kept ones.

const (
	hbReads      = 2
	hbChunkCells = 1 << 12
)

// hbRec is one recorded access.
type hbRec struct {
	addr  uintptr
	size  uint32
	slot  int32
	epoch uint32
	stack uint32 // depot id
	write bool
	gc    uint32 // gcCycles() when recorded (hb_memory.go)
	info  *hbGInfo
	// obj is the weak handle of the heap object accessed (nil outside
	// the heap): while it is set, the record is about the object at
	// addr, whatever gc says (hb_memory.go).
	obj *atomic.Uintptr
}

type hbCell struct {
	mu    mutex
	key   uintptr // granule address + 1; 0: empty
	w     hbRec
	r     [hbReads]hbRec
	nextR uint8
}

type hbShadow struct {
	mask   uint64
	chunks []atomic.Pointer[[hbChunkCells]hbCell]
	allocM mutex
}

func (sh *hbShadow) init(bytes int64) {
	cells := bytes / int64(unsafe.Sizeof(hbCell{}))
	n := int64(hbChunkCells)
	for n*2 <= cells {
		n *= 2
	}
	sh.mask = uint64(n - 1)
	sh.chunks = make([]atomic.Pointer[[hbChunkCells]hbCell], n/hbChunkCells)
}

// cell returns the cell of granule key, allocating its chunk.
func (sh *hbShadow) cell(key uintptr) *hbCell {
	i := (uint64(key>>3) * 0x9e3779b97f4a7c15 >> 20) & sh.mask
	cp := &sh.chunks[i/hbChunkCells]
	c := cp.Load()
	if c == nil {
		sh.allocM.Lock()
		if c = cp.Load(); c == nil {
			c = new([hbChunkCells]hbCell)
			cp.Store(c)
		}
		sh.allocM.Unlock()
	}
	return &c[i%hbChunkCells]
}

// ordered reports whether the recorded access x happens before the
// current event of st: st knows x's epoch, or x's goroutine published it.
func (w *hbWorld) ordered(st *hbG, x *hbRec) bool {
	s := int(x.slot)
	return st.clock.covers(s, x.epoch) || w.gpub[s].Load() >= x.epoch
}

func overlaps(a uintptr, as uint32, b uintptr, bs uint32) bool {
	return a < b+uintptr(bs) && b < a+uintptr(as)
}

// hbAccess is the detector's part of a sampled plain access: check it
// against the cell's earlier accesses, then record it.
//
// hbAfterWatch: the sampling paths call it after the access's watchpoint,
// not before. It may grow the goroutine's stack (the weak handle, the
// depot), which moves the stack: addr, a uintptr the instrumented code
// computed, would then name the old stack, reused by other goroutines,
// and a watchpoint armed on it afterwards sees a value change nobody
// made (conc's pool tests under -profile=ci reported such). The
// detector does not record stack addresses, so a stale one costs nothing
// here.
func hbAccess(addr, size uintptr, typ accessType) {
	w, st := hbCur()
	if st == nil || size == 0 || onOwnStack(addr) {
		return
	}
	gc := gcCycles()
	if st.info == nil {
		st.info = currentGInfo()
	}
	write := typ&accessWrite != 0
	sz := uint32(min(size, 1<<30))
	var stack uint32
	var truncated bool
	if st.slot >= 0 {
		stack, truncated = w.depot.capture(2)
	}
	var obj *atomic.Uintptr
	if st.slot >= 0 && stack != 0 && !truncated {
		obj = heapHandle(addr) // before the cell's lock: it may allocate
	}
	key := addr&^7 + 1
	c := w.shadow.cell(addr &^ 7)
	var cands [1 + hbReads]hbRec
	nc := 0
	c.mu.Lock()
	if c.key == key {
		conflict := func(x *hbRec) {
			if x.info == nil || x.info.goid == st.goid || !overlaps(x.addr, x.size, addr, sz) {
				return
			}
			// Pairs with the sweeper's clearing of the handle, which
			// comes before the object's memory is reused.
			if x.gc != gc && (x.obj == nil || x.obj.Load() == 0) {
				return // the memory may have been freed and reused
			}
			if !w.ordered(st, x) {
				cands[nc] = *x
				nc++
			}
		}
		conflict(&c.w)
		if write {
			for i := range c.r {
				conflict(&c.r[i])
			}
		}
	} else {
		c.key, c.w, c.r, c.nextR = key, hbRec{}, [hbReads]hbRec{}, 0
	}
	if st.slot >= 0 && stack != 0 && !truncated {
		if st.published {
			w.tick(st)
		}
		rec := hbRec{addr: addr, size: sz, slot: int32(st.slot), epoch: st.epoch, stack: stack, write: write, gc: gc, info: st.info, obj: obj}
		if write {
			c.w = rec
			c.r = [hbReads]hbRec{}
		} else {
			c.putRead(rec)
		}
	}
	c.mu.Unlock()
	for i := 0; i < nc; i++ {
		hbCandidate(w, st, &cands[i], addr, size, typ)
	}
}

// putRead keeps rec among the cell's reads: in place of the same
// goroutine's, else in a free entry, else in place of the oldest one.
func (c *hbCell) putRead(rec hbRec) {
	for i := range c.r {
		if c.r[i].info == nil || c.r[i].info.goid == rec.info.goid {
			c.r[i] = rec
			return
		}
	}
	c.r[c.nextR%hbReads] = rec
	c.nextR++
}
