package runtime

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// The happens-before detector's state lives in one hbWorld: goroutine
// states, slots, the sync-object clocks, the published epochs, the
// shadow table. Every table is bounded (option hb_memory); when one
// overflows, the world is replaced by an empty one (TSan v3's global
// reset): races whose first access came before the reset are missed,
// nothing else changes. An operation that began in an old world finishes
// there and is never reported (hbCandidate checks the world is current).
type hbWorld struct {
	slots int

	// Slots: slotOwner[s] is the goroutine id holding slot s (0: free);
	// slotEpoch[s] the last epoch issued in s. A new owner continues
	// after it, so that clocks that knew the previous owner's epochs
	// never cover the new owner's accesses.
	slotOwner []atomic.Int64
	slotEpoch []atomic.Uint32

	// gpub[s] is the epoch at which the goroutine in slot s last
	// entered code gocsan does not see (a call of uninstrumented code, a
	// channel operation, an atomic, a go statement: see hb_sync.go).
	// Such code may synchronize with anything, so every access of s at an
	// epoch up to gpub[s] is taken to happen before everything that any
	// goroutine does afterwards.
	gpub []atomic.Uint32

	// dead is what goroutines removed from the table knew of others: a
	// dead goroutine may have passed its knowledge on where gocsan could
	// not see it, so it suppresses reports as a live one does.
	deadMu mutex
	dead   vclock

	// The goroutine table: open addressing on the goroutine id, lookups
	// without locks, inserts and removals under tabMu.
	tabMu  mutex
	tab    []hbEntry
	tabLen int  // live entries, under tabMu
	full   bool // the table is full and a reset is on its way, under tabMu
	maxG   int
	// sinceScan counts inserts since the last removal of dead
	// goroutines, under tabMu: a traceback of all goroutines stops the
	// world, so it runs at most once per hbScanEvery inserts.
	sinceScan int

	syncs   [hbSyncShards]hbSyncShard
	nsync   atomic.Int64
	maxSync int64

	shadow hbShadow
	depot  *stackDepot
}

type hbEntry struct {
	goid atomic.Int64 // 0 empty, -1 removed
	st   atomic.Pointer[hbG]
}

// hbG is one goroutine's detector state. Only the goroutine itself
// writes it, except clock entries read by validation scans.
type hbG struct {
	goid      int64
	slot      int    // -1: no slot was free; the goroutine keeps a clock but records no accesses
	epoch     uint32 // own epoch, clock[slot]
	published bool   // the epoch was published: the next recorded access starts a new one
	clock     vclock
	// pending holds sync objects to acquire at the goroutine's next
	// event (see hbPending in hb_sync.go). Read by validation scans.
	pending [3]atomic.Uintptr // the lock's two clocks (hb_sync.go), a channel's (hb_chan.go)
	// acqGen counts the acquires that taught st something; acqSo and
	// acqVer are the sync object st last acquired or released and its
	// version then, when st knew all of its clock (hbSync).
	acqGen uint64
	acqSo  *hbSync
	acqVer uint64
	info   *hbGInfo
}

// hbGInfo describes a goroutine in reports: id and creation site.
type hbGInfo struct {
	goid      int64
	createdBy *hbFrame
	creator   int64
}

type hbFrame struct {
	fn, file string
	line     int
}

var (
	// hbOn mirrors Enabled && HB for the inlined hooks; Configure sets it.
	hbOn atomic.Bool
	// hbw is the current world; a reset stores a new one.
	hbw atomic.Pointer[hbWorld]
)

// Per-goroutine and per-sync-object costs, for the bounds.
const (
	hbScanEvery    = 16
	hbGOverhead    = 160
	hbSyncOverhead = 96
)

// newWorld sizes a world for o: a quarter of hb_memory for goroutine
// states, a quarter for sync objects, 3/8 for shadow cells, 1/8 for
// stacks.
func newWorld(o *Options) *hbWorld {
	slots := o.HBSlots
	budget := int64(o.HBMemory) << 20
	w := &hbWorld{slots: slots}
	w.slotOwner = make([]atomic.Int64, slots)
	w.slotEpoch = make([]atomic.Uint32, slots)
	w.gpub = make([]atomic.Uint32, slots)
	w.dead = newClock(slots)
	w.maxG = int(budget / 4 / int64(4*slots+hbGOverhead))
	w.maxG = max(w.maxG, 64)
	n := 64
	for n < 2*w.maxG && n < 1<<16 {
		n <<= 1
	}
	w.maxG = min(w.maxG, n/2)
	w.tab = make([]hbEntry, n)
	w.maxSync = max(budget/4/int64(4*slots+hbSyncOverhead), 64)
	for i := range w.syncs {
		w.syncs[i].m = map[uintptr]*hbSync{}
	}
	w.shadow.init(budget * 3 / 8)
	w.depot = newDepot(budget / 8)
	return w
}

// hbReset replaces the world w by an empty one, unless that happened
// already.
func hbReset(w *hbWorld) {
	o := opts()
	if o == nil {
		return
	}
	if hbw.CompareAndSwap(w, newWorld(o)) {
		count(HBResets)
	}
}

func hbHash(goid int64) uint64 {
	return uint64(goid) * 0x9e3779b97f4a7c15
}

// lookup returns the state of goroutine g, or nil.
func (w *hbWorld) lookup(g int64) *hbG {
	mask := uint64(len(w.tab) - 1)
	for i, h := 0, hbHash(g)>>32; i < len(w.tab); i++ {
		e := &w.tab[(h+uint64(i))&mask]
		// goid is stored after st on insert: a matching goid has
		// its state.
		switch e.goid.Load() {
		case g:
			return e.st.Load()
		case 0:
			return nil
		}
	}
	return nil
}

// hbCur returns the current world and the calling goroutine's state in
// it, creating the state on the goroutine's first event, and acquires
// what the goroutine's last lock operation left pending. It returns a nil
// state when the table is full even after removing dead goroutines (the
// world was reset then).
func hbCur() (*hbWorld, *hbG) {
	w := hbw.Load()
	if w == nil {
		return nil, nil
	}
	g := goid()
	st := w.lookup(g)
	if st == nil {
		st = w.insert(g)
		if st == nil {
			return nil, nil
		}
	}
	if st.pending[0].Load() != 0 || st.pending[2].Load() != 0 {
		w.resolvePending(st)
	}
	return w, st
}

// insert adds a state for goroutine g, with a slot if one is free.
func (w *hbWorld) insert(g int64) *hbG {
	w.tabMu.Lock()
	defer w.tabMu.Unlock()
	if st := w.lookup(g); st != nil {
		return st
	}
	w.sinceScan++
	if w.full {
		return nil // being replaced (hbReset)
	}
	if w.tabLen >= w.maxG {
		w.removeDeadLocked(true)
		if w.tabLen >= w.maxG {
			// Until the reset replaces this world, further
			// inserts fail at once instead of scanning again.
			w.full = true
			go hbReset(w)
			return nil
		}
	}
	st := &hbG{goid: g, slot: -1, clock: newClock(w.slots)}
	st.slot = w.takeSlot(g)
	if st.slot < 0 {
		w.removeDeadLocked(false)
		st.slot = w.takeSlot(g)
	}
	if st.slot >= 0 {
		st.epoch = w.slotEpoch[st.slot].Add(1)
		st.clock[st.slot].Store(st.epoch)
	}
	mask := uint64(len(w.tab) - 1)
	for i, h := 0, hbHash(g)>>32; i < len(w.tab); i++ {
		e := &w.tab[(h+uint64(i))&mask]
		if id := e.goid.Load(); id == 0 || id == -1 {
			e.st.Store(st)
			// Publishes st to lock-free lookups (see lookup).
			e.goid.Store(g)
			w.tabLen++
			return st
		}
	}
	if st.slot >= 0 {
		w.slotOwner[st.slot].Store(0)
	}
	go hbReset(w)
	return nil
}

func (w *hbWorld) takeSlot(g int64) int {
	for s := range w.slotOwner {
		if w.slotOwner[s].Load() == 0 && w.slotOwner[s].CompareAndSwap(0, g) {
			return s
		}
	}
	return -1
}

// removeDeadLocked removes the states of goroutines that have exited,
// found in a traceback of all goroutines, and frees their slots. What
// they knew of others goes into w.dead. Called with tabMu held, when a
// slot or a table entry is needed; unless forced, at most once per
// hbScanEvery inserts and per half the table's states.
func (w *hbWorld) removeDeadLocked(force bool) {
	// A scan costs a traceback of every goroutine: with many of them
	// alive (ants' TestNoPool starts 10^5), scanning every hbScanEvery
	// inserts is quadratic. Waiting for half as many inserts as there
	// are states keeps the cost per insert bounded.
	if !force && w.sinceScan < max(hbScanEvery, w.tabLen/2) {
		return
	}
	w.sinceScan = 0
	live := liveGoroutines()
	if live == nil {
		return
	}
	for i := range w.tab {
		e := &w.tab[i]
		id := e.goid.Load()
		if id <= 0 || live[id] {
			continue
		}
		st := e.st.Load()
		w.deadMu.Lock()
		for s := range st.clock {
			if s != st.slot {
				w.dead.raise(s, st.clock.get(s))
			}
		}
		w.deadMu.Unlock()
		e.goid.Store(-1)
		w.tabLen--
		if st.slot >= 0 {
			w.slotOwner[st.slot].Store(0)
		}
	}
	// Tombstones make probes long; rebuild when they dominate.
	tomb := 0
	for i := range w.tab {
		if w.tab[i].goid.Load() == -1 {
			tomb++
		}
	}
	if tomb > len(w.tab)/4 {
		w.rehashLocked()
	}
}

// rehashLocked drops tombstones. Lookups running concurrently may miss a
// state while entries move and insert a second one for the goroutine;
// insert re-checks under tabMu, which rehash holds, so the only effect
// is that such a lookup waits for it.
func (w *hbWorld) rehashLocked() {
	var sts []*hbG
	for i := range w.tab {
		if w.tab[i].goid.Load() > 0 {
			sts = append(sts, w.tab[i].st.Load())
		}
	}
	// A new table published at once would be simpler but the slice
	// header is not atomic; clear in place instead, re-inserting.
	for i := range w.tab {
		w.tab[i].goid.Store(0)
	}
	mask := uint64(len(w.tab) - 1)
	for _, st := range sts {
		for i, h := 0, hbHash(st.goid)>>32; i < len(w.tab); i++ {
			e := &w.tab[(h+uint64(i))&mask]
			if e.goid.Load() == 0 {
				e.st.Store(st)
				e.goid.Store(st.goid)
				break
			}
		}
	}
}

// liveGoroutines returns the ids of all goroutines, from a traceback of
// all of them.
func liveGoroutines() map[int64]bool {
	buf := allStacks()
	live := map[int64]bool{}
	for len(buf) > 0 {
		line := buf
		if i := indexByte(buf, '\n'); i >= 0 {
			line, buf = buf[:i], buf[i+1:]
		} else {
			buf = ""
		}
		if id := parseGoid(line); id > 0 {
			live[id] = true
		}
	}
	return live
}

// allStacks returns runtime.Stack's traceback of every goroutine.
func allStacks() string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

// tick starts a new epoch of st (after a release).
func (w *hbWorld) tick(st *hbG) {
	st.published = false
	if st.slot < 0 {
		return
	}
	st.epoch = w.slotEpoch[st.slot].Add(1)
	st.clock[st.slot].Store(st.epoch)
}

// configureHB starts the detector with an empty world: accesses
// recorded under old options never meet those made under new ones.
func configureHB(o *Options) {
	on := o.Enabled && o.HB
	if on {
		hbw.Store(newWorld(o))
	}
	hbOn.Store(on)
}

// memoryInUse is what the world holds: the bound hb_memory applies to it.
func (w *hbWorld) memoryInUse() int64 {
	n := int64(len(w.tab)) * int64(unsafe.Sizeof(hbEntry{}))
	w.tabMu.Lock()
	n += int64(w.tabLen) * int64(4*w.slots+hbGOverhead)
	w.tabMu.Unlock()
	n += w.nsync.Load() * int64(4*w.slots+hbSyncOverhead)
	for i := range w.shadow.chunks {
		if w.shadow.chunks[i].Load() != nil {
			n += int64(unsafe.Sizeof([hbChunkCells]hbCell{}))
		}
	}
	w.depot.mu.Lock()
	n += w.depot.bytes
	w.depot.mu.Unlock()
	return n
}
