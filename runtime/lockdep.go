package runtime

import (
	"sync/atomic"
	"unsafe"

	"github.com/gocsan/gocsan/runtime/record"
)

// The lock-order checker, the kernel's lockdep for Go. The rewriter
// routes sync.Mutex and sync.RWMutex operations through Lock, RLock,
// TryLocked, Unlock and RUnlock. The checker keeps each goroutine's held
// locks and one global graph over lock classes (where a lock lives: a
// package variable or a struct field of a type, named by the rewriter),
// with an edge A -> B the first time some goroutine acquires B while
// holding A. An acquisition that would close a cycle is reported the first
// time it happens, whether or not the program deadlocks: all edges of the
// cycle with the stack that first created each.
//
// Locks taken inside uninstrumented code (the standard library) are not
// seen. Nested locks of one class (two instances of T.mu) make no edge:
// code that orders instances itself, say by address, would otherwise be
// reported, and lockdep needs annotations for the same reason.
//
// Lock and Unlock run on every mutex operation of the program, so their
// common case takes no global lock: the goroutine's id comes from its g
// (goid.go), its held locks from one of many shards, and the edges from
// the held classes to the new one, almost always known already, from
// lock-free snapshots. The graph's mutex is taken only to add an edge.

// LockClass is one class of locks. Classes are interned by name; the
// rewriter creates one per lock expression in a package variable.
type LockClass struct {
	id   int
	name string
	// writeLocked records that some goroutine ever took a lock of the
	// class exclusively. A cycle made only of read acquisitions can
	// deadlock only if writers are waiting (a pending writer blocks new
	// readers of sync.RWMutex), so such a cycle is reported only when its
	// classes are also write-locked.
	writeLocked atomic.Bool
	// out holds the edges from this class. It is replaced, never changed,
	// under lockdep's mutex, so an acquisition finds the edges it would
	// add already known (the common case) without any lock.
	out atomic.Pointer[classEdges]
}

// Name returns the class name.
func (c *LockClass) Name() string { return c.name }

// classEdges is one snapshot of a class's outgoing edges.
type classEdges struct {
	list []*lockEdge // in creation order, which findPath follows
	// to indexes list by target once it is too long to scan.
	to map[*LockClass]*lockEdge
}

// edgesIndexed is the out-degree from which an edge lookup hashes instead
// of scanning.
const edgesIndexed = 8

// edgeTo returns the edge from c to the class to, or nil.
func (c *LockClass) edgeTo(to *LockClass) *lockEdge {
	ce := c.out.Load()
	if ce == nil {
		return nil
	}
	if ce.to != nil {
		return ce.to[to]
	}
	for _, e := range ce.list {
		if e.to == to {
			return e
		}
	}
	return nil
}

// addEdge publishes a new edge from e.from. Called with lockdep held.
func addEdge(e *lockEdge) {
	ce := &classEdges{}
	if old := e.from.out.Load(); old != nil {
		ce.list = append(ce.list, old.list...)
	}
	ce.list = append(ce.list, e)
	if len(ce.list) >= edgesIndexed {
		ce.to = make(map[*LockClass]*lockEdge, len(ce.list))
		for _, x := range ce.list {
			ce.to[x.to] = x
		}
	}
	e.from.out.Store(ce)
}

type heldLock struct {
	addr  uintptr
	class *LockClass
	read  bool
}

type lockEdge struct {
	from, to *LockClass
	read     bool // both ends were read acquisitions
	access   *record.Access
}

// lockdep's mutex guards interning classes, adding edges (readers of a
// class's edges need no lock) and the reported cycles. Lock and Unlock
// take it only when an acquisition makes a new edge.
var lockdep struct {
	mutex
	classes map[string]*LockClass
	byID    []*LockClass
	cycles  map[string]bool // reported cycles, by title
}

// Each goroutine's held locks, in order of acquisition, live in one of
// heldShards shards chosen by goroutine id, each under its own mutex: a
// Lock or Unlock takes only its goroutine's shard, which other goroutines
// touch only when they share it or unlock a lock they did not lock.
const heldShards = 64

var heldLocks [heldShards]heldShard

type heldShard struct {
	heldShardState
	_ [64 - unsafe.Sizeof(heldShardState{})%64]byte // one cache line each
}

type heldShardState struct {
	mutex
	byG map[int64]*heldStack
	// live counts the stacks in byG that hold locks. A stack that
	// empties stays in byG, so a goroutine taking one lock at a time
	// does not remove and re-add itself; stacks of goroutines that are
	// done are dropped once they outnumber the live ones.
	live atomic.Int32
	// last caches the stack of the goroutine that used the shard last,
	// lastG: usually the only one that uses it at the time.
	lastG int64
	last  *heldStack
}

type heldStack struct{ locks []heldLock }

func shardOf(g int64) *heldShard { return &heldLocks[uint64(g)%heldShards] }

// lookup returns g's held locks, or nil. Called with s held.
func (s *heldShard) lookup(g int64) *heldStack {
	if s.last != nil && s.lastG == g {
		return s.last
	}
	hs := s.byG[g]
	if hs != nil {
		s.lastG, s.last = g, hs
	}
	return hs
}

// stack returns g's held locks, creating the entry. Called with s held.
func (s *heldShard) stack(g int64) *heldStack {
	if hs := s.lookup(g); hs != nil {
		return hs
	}
	if s.byG == nil {
		s.byG = make(map[int64]*heldStack)
	}
	var hs *heldStack
	if len(s.byG) >= 2*int(s.live.Load())+16 {
		for other, x := range s.byG {
			if len(x.locks) == 0 {
				delete(s.byG, other)
				hs = x
			}
		}
	}
	if hs == nil {
		hs = new(heldStack)
	}
	s.byG[g] = hs
	s.lastG, s.last = g, hs
	return hs
}

// remove removes the most recent matching lock from g's held locks.
// Called with s held.
func (s *heldShard) remove(g int64, addr uintptr, read bool) bool {
	hs := s.lookup(g)
	if hs == nil {
		return false
	}
	for i := len(hs.locks) - 1; i >= 0; i-- {
		if hs.locks[i].addr == addr && hs.locks[i].read == read {
			hs.locks = append(hs.locks[:i], hs.locks[i+1:]...)
			if len(hs.locks) == 0 {
				s.live.Add(-1)
			}
			return true
		}
	}
	return false
}

// NewLockClass returns the class named name, creating it on first use.
func NewLockClass(name string) *LockClass {
	lockdep.Lock()
	defer lockdep.Unlock()
	if lockdep.classes == nil {
		lockdep.classes = make(map[string]*LockClass)
		lockdep.cycles = make(map[string]bool)
	}
	if c, ok := lockdep.classes[name]; ok {
		return c
	}
	c := &LockClass{id: len(lockdep.byID), name: name}
	lockdep.classes[name] = c
	lockdep.byID = append(lockdep.byID, c)
	return c
}

// Lock is called before sync.Mutex.Lock or RWMutex.Lock of the lock at
// addr. It is also a point the reordering model treats as an acquire.
//
// With lockdep off the hooks inline to one load (lockdepActive).
func Lock(addr uintptr, class *LockClass) {
	if lockdepActive.Load() {
		acquire(addr, class, false, true)
	}
	if hbOn.Load() {
		hbLock(addr, false)
	}
}

// RLock is called before RWMutex.RLock.
func RLock(addr uintptr, class *LockClass) {
	if lockdepActive.Load() {
		acquire(addr, class, true, true)
	}
	if hbOn.Load() {
		hbLock(addr, true)
	}
}

// TryLocked is called after TryLock or TryRLock returned ok. A try-lock
// never waits, so it cannot close a deadlock cycle; it only records the
// lock as held.
func TryLocked(addr uintptr, class *LockClass, read, ok bool) {
	if ok {
		acquire(addr, class, read, false)
		if hbOn.Load() {
			hbLocked(addr, read)
		}
	}
}

// Unlock is called before sync.Mutex.Unlock or RWMutex.Unlock. A mutex may
// be unlocked by another goroutine than the one that locked it; the lock
// is then removed from its holder's list.
func Unlock(addr uintptr) {
	if lockdepActive.Load() {
		release(addr, false)
	}
	if hbOn.Load() {
		hbUnlock(addr, false)
	}
	releaseReorder()
}

// RUnlock is called before RWMutex.RUnlock.
func RUnlock(addr uintptr) {
	if lockdepActive.Load() {
		release(addr, true)
	}
	if hbOn.Load() {
		hbUnlock(addr, true)
	}
	releaseReorder()
}

// lockdepActive mirrors Enabled && Lockdep for the inlined hooks;
// Configure sets it.
var lockdepActive atomic.Bool

func lockdepOn() bool {
	o := opts()
	return o.Enabled && o.Lockdep
}

func acquire(addr uintptr, class *LockClass, read, check bool) {
	if class == nil || !lockdepOn() {
		return
	}
	if !read && !class.writeLocked.Load() {
		class.writeLocked.Store(true)
	}
	g := goid()
	s := shardOf(g)
	s.Lock()
	hs := s.stack(g)
	// Locking a sync.Mutex twice always deadlocks; a second RLock
	// deadlocks as soon as a writer queues in between.
	doubles := 0
	// The first held lock of each other class with no edge to class yet.
	var fresh []heldLock
	for _, h := range hs.locks {
		if h.addr == addr && check && (!h.read || read) {
			doubles++
		}
		if h.class != class && h.class.edgeTo(class) == nil && !heldClass(fresh, h.class) {
			fresh = append(fresh, h)
		}
	}
	if len(hs.locks) == 0 {
		s.live.Add(1)
	}
	hs.locks = append(hs.locks, heldLock{addr: addr, class: class, read: read})
	s.Unlock()
	if doubles == 0 && len(fresh) == 0 {
		return
	}

	op := record.OpLock
	if read {
		op = record.OpRLock
	}
	a := captureAccess(addr, 0, 0)
	a.Op, a.LockClass = op, class.name
	var reports []*record.Report
	for range doubles {
		reports = append(reports, &record.Report{Kind: record.KindLockOrder, Accesses: []record.Access{cloneAccess(a)}})
	}
	if len(fresh) > 0 {
		lockdep.Lock()
		for _, h := range fresh {
			if h.class.edgeTo(class) != nil {
				continue // another goroutine made it meanwhile
			}
			ea := cloneAccess(a)
			ea.HeldClass = h.class.name
			e := &lockEdge{from: h.class, to: class, read: read && h.read, access: &ea}
			if check {
				if path := findPath(class, h.class); path != nil {
					if r := cycleReport(append(path, e)); r != nil {
						reports = append(reports, r)
					}
				}
			}
			addEdge(e)
		}
		lockdep.Unlock()
	}
	for _, r := range reports {
		emit(r)
	}
}

func heldClass(locks []heldLock, c *LockClass) bool {
	for _, h := range locks {
		if h.class == c {
			return true
		}
	}
	return false
}

// cloneAccess copies a, stack included, so each report and edge owns its
// access.
func cloneAccess(a *record.Access) record.Access {
	c := *a
	if a.Stack != nil { // as slices.Clone: nil stays nil, empty stays empty
		c.Stack = append([]record.Frame{}, a.Stack...)
	}
	return c
}

// findPath returns the edges of a path from one class to another in the
// lock graph, or nil. Called with lockdep held.
func findPath(from, to *LockClass) []*lockEdge {
	seen := map[int]bool{from.id: true}
	var walk func(c *LockClass) []*lockEdge
	walk = func(c *LockClass) []*lockEdge {
		ce := c.out.Load()
		if ce == nil {
			return nil
		}
		for _, e := range ce.list {
			if e.to == to {
				return []*lockEdge{e}
			}
			if seen[e.to.id] {
				continue
			}
			seen[e.to.id] = true
			if rest := walk(e.to); rest != nil {
				return append([]*lockEdge{e}, rest...)
			}
		}
		return nil
	}
	return walk(from)
}

// cycleReport builds the report for a cycle, or nil if it was reported
// before or cannot deadlock. Called with lockdep held.
func cycleReport(cycle []*lockEdge) *record.Report {
	allRead := true
	for _, e := range cycle {
		allRead = allRead && e.read
	}
	if allRead {
		for _, e := range cycle {
			if !e.to.writeLocked.Load() {
				return nil
			}
		}
	}
	r := &record.Report{Kind: record.KindLockOrder}
	for _, e := range cycle {
		r.Accesses = append(r.Accesses, *e.access)
	}
	title := record.Title(r)
	if lockdep.cycles[title] {
		return nil
	}
	lockdep.cycles[title] = true
	return r
}

func release(addr uintptr, read bool) {
	if !lockdepOn() {
		return
	}
	g := goid()
	s := shardOf(g)
	s.Lock()
	ok := s.remove(g, addr, read)
	s.Unlock()
	if ok {
		return
	}
	// Unlocked by another goroutine than the locker: find the holder.
	for i := range heldLocks {
		s := &heldLocks[i]
		if s.live.Load() == 0 {
			continue
		}
		s.Lock()
		for other := range s.byG {
			if other != g && s.remove(other, addr, read) {
				s.Unlock()
				return
			}
		}
		s.Unlock()
	}
}

// resetLockdep forgets the graph, held locks and reported cycles; turning
// the lockdep option on starts afresh. Classes stay interned.
func resetLockdep() {
	lockdep.Lock()
	lockdep.cycles = make(map[string]bool)
	for _, c := range lockdep.byID {
		c.out.Store(nil)
		c.writeLocked.Store(false)
	}
	lockdep.Unlock()
	for i := range heldLocks {
		s := &heldLocks[i]
		s.Lock()
		s.byG, s.last = nil, nil
		s.live.Store(0)
		s.Unlock()
	}
}

// TryLockedB is TryLocked usable around the call: the rewriter turns
// mu.TryLock() into TryLockedB(addr, class, false, mu.TryLock()).
func TryLockedB(addr uintptr, class *LockClass, read, ok bool) bool {
	TryLocked(addr, class, read, ok)
	return ok
}

// DeferUnlock runs Unlock(addr) and then unlock: the rewriter turns
// `defer mu.Unlock()` into `defer DeferUnlock(addr, mu.Unlock)`, which
// evaluates the receiver at the defer statement as the original does.
func DeferUnlock(addr uintptr, unlock func()) {
	Unlock(addr)
	unlock()
}

// DeferRUnlock is DeferUnlock for RWMutex.RUnlock.
func DeferRUnlock(addr uintptr, unlock func()) {
	RUnlock(addr)
	unlock()
}
