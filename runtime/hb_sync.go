package runtime

// Synchronization in the happens-before detector. Every synchronizing
// operation is tracked (sampling them would create false reports,
// LiteRace's lesson); only memory accesses are sampled.
//
// Two kinds of edges:
//
//   - Locks the rewriter routes through the runtime (mutex and
//     RWMutex at user call sites) are modelled exactly, with a clock per
//     lock in a side table keyed by address: Unlock releases into the
//     lock's clock, Lock acquires it. RWMutex: Unlock releases into the
//     clock at addr, RUnlock into the one at addr+1; Lock acquires both,
//     RLock the first. The hooks run before Lock (lockdep's), so the
//     acquire is left pending and done at the goroutine's next event,
//     which comes after Lock returned.
//
//   - Everything else goes through "publication": a goroutine entering
//     code gocsan does not see or does not model (any call that may run
//     uninstrumented code — today the whole standard library, so
//     WaitGroup, Once, Cond, sync.Map, Pool, time, testing — and channel
//     operations, sync/atomic operations and go statements) publishes its
//     current epoch (hbPublish, from Release). An access at an epoch
//     that its goroutine published is taken to happen before everything
//     any goroutine does afterwards: whatever the uninstrumented code
//     synchronizes with, the access is ordered before it. This is what
//     makes the detector free of false reports without seeing the
//     standard library; it costs the races whose first access is
//     followed, in its goroutine, by such an operation before the
//     second access (see docs/engine.md).
//
// The rewriter emits Release before those operations, after the checks
// of the accesses the statement makes before them (order.go in
// instrument): those keep the published epoch. The goroutine's next
// recorded access starts a new epoch (hbAccess), so that what it does
// after the operation is not covered. Accesses made inside the operation
// (callbacks of uninstrumented code) get the new epoch too; the code
// around them may synchronize invisibly, which is why neither side of a
// race in such a callback is reported (hb_report.go).

const hbSyncShards = 64

type hbSyncShard struct {
	mu mutex
	m  map[uintptr]*hbSync
	_  [40]byte
}

// hbSync is the clock of one lock or channel.
type hbSync struct {
	mu    mutex
	clock vclock
	// escaped: the channel was passed to code that may be
	// uninstrumented (hb_chan.go); under mu.
	escaped bool
	// The common cases of a lock, without a pass over the clock
	// (under mu): ver counts the releases into it; soloG is the
	// goroutine whose release made the clock equal to its own (it
	// knew all of it before), 0 if the last release was another
	// kind, and soloGen that goroutine's acqGen then. While soloG
	// stays, it knows the whole clock; if its acqGen has not moved
	// either, the clock differs from its own only in its own slot.
	ver     uint64
	soloG   int64
	soloGen uint64
}

func (w *hbWorld) syncShard(addr uintptr) *hbSyncShard {
	return &w.syncs[(addr>>3)%hbSyncShards]
}

// syncObj returns the clock of the lock at addr, creating it if create.
// It returns nil if the table is full (the world is then reset).
func (w *hbWorld) syncObj(addr uintptr, create bool) *hbSync {
	sh := w.syncShard(addr)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if so := sh.m[addr]; so != nil || !create {
		return so
	}
	if w.nsync.Add(1) > w.maxSync {
		go hbReset(w)
		return nil
	}
	so := &hbSync{clock: newClock(w.slots)}
	sh.m[addr] = so
	return so
}

// release joins st's clock into the lock at addr and starts a new epoch.
func (w *hbWorld) release(st *hbG, addr uintptr) {
	if so := w.syncObj(addr, true); so != nil {
		so.mu.Lock()
		so.releaseFrom(st)
		so.mu.Unlock()
	}
	w.tick(st)
}

// releaseFrom joins st's clock into so's, under so.mu.
func (so *hbSync) releaseFrom(st *hbG) {
	knowsAll := so.soloG == st.goid || st.acqSo == so && st.acqVer == so.ver
	switch {
	case so.soloG == st.goid && so.soloGen == st.acqGen && st.slot >= 0:
		// Only st's own entry can have moved since its last release.
		so.clock.raise(st.slot, st.epoch)
	default:
		so.clock.join(st.clock)
	}
	so.ver++
	if knowsAll {
		// The clock is st's now.
		so.soloG, so.soloGen = st.goid, st.acqGen
		st.acqSo, st.acqVer = so, so.ver
	} else {
		so.soloG = 0
	}
}

// acquire joins the lock at addr into st's clock.
func (w *hbWorld) acquire(st *hbG, addr uintptr) {
	so := w.syncObj(addr, false)
	if so == nil {
		return
	}
	so.mu.Lock()
	if so.soloG != st.goid && (st.acqSo != so || st.acqVer != so.ver) {
		// Not known to st already (see hbSync).
		if st.clock.join(so.clock) {
			st.acqGen++
		}
		st.acqSo, st.acqVer = so, so.ver
	}
	so.mu.Unlock()
}

// resolvePending acquires what st's last lock operation left pending.
func (w *hbWorld) resolvePending(st *hbG) {
	for i := range st.pending {
		if a := st.pending[i].Load(); a != 0 {
			w.acquire(st, a)
		}
	}
	// Cleared after acquiring: a validation scan that sees a pending
	// lock still finds its knowledge (hb_report.go).
	for i := range st.pending {
		st.pending[i].Store(0)
	}
}

// hbLock is called before a lock operation: the acquire waits for the
// goroutine's next event.
func hbLock(addr uintptr, read bool) {
	_, st := hbCur()
	if st == nil {
		return
	}
	st.pending[0].Store(addr)
	if !read {
		st.pending[1].Store(addr + 1)
	}
}

// hbLocked is called after a successful TryLock or TryRLock.
func hbLocked(addr uintptr, read bool) {
	w, st := hbCur()
	if st == nil {
		return
	}
	w.acquire(st, addr)
	if !read {
		w.acquire(st, addr+1)
	}
}

// hbUnlock is called before Unlock (read false) or RUnlock.
func hbUnlock(addr uintptr, read bool) {
	w, st := hbCur()
	if st == nil {
		return
	}
	if read {
		addr++
	}
	w.release(st, addr)
}

// hbPublish is Release's part: the calling goroutine enters code gocsan
// does not model; its current epoch is published.
func hbPublish() {
	w, st := hbCur()
	if st == nil || st.slot < 0 {
		return
	}
	if w.gpub[st.slot].Load() < st.epoch {
		// Pairs with the loads in hbOrdered and hbCandidate: a
		// checker that sees the new value treats the epoch's accesses
		// as ordered before it.
		w.gpub[st.slot].Store(st.epoch)
	}
	st.published = true
}
