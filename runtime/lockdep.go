package runtime

import (
	"sync"

	"github.com/gocsan/gocsan/report"
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
	writeLocked bool
}

// Name returns the class name.
func (c *LockClass) Name() string { return c.name }

type heldLock struct {
	addr  uintptr
	class *LockClass
	read  bool
}

type lockEdge struct {
	from, to *LockClass
	read     bool // both ends were read acquisitions
	access   *report.Access
}

var lockdep struct {
	sync.Mutex
	classes map[string]*LockClass
	byID    []*LockClass
	out     map[int][]*lockEdge // edges by source class id
	edges   map[[2]int]*lockEdge
	held    map[int64][]heldLock // by goroutine id
	cycles  map[string]bool      // reported cycles, by title
}

// NewLockClass returns the class named name, creating it on first use.
func NewLockClass(name string) *LockClass {
	lockdep.Lock()
	defer lockdep.Unlock()
	if lockdep.classes == nil {
		lockdep.classes = make(map[string]*LockClass)
		lockdep.out = make(map[int][]*lockEdge)
		lockdep.edges = make(map[[2]int]*lockEdge)
		lockdep.held = make(map[int64][]heldLock)
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
func Lock(addr uintptr, class *LockClass) { acquire(addr, class, false, true) }

// RLock is called before RWMutex.RLock.
func RLock(addr uintptr, class *LockClass) { acquire(addr, class, true, true) }

// TryLocked is called after TryLock or TryRLock returned ok. A try-lock
// never waits, so it cannot close a deadlock cycle; it only records the
// lock as held.
func TryLocked(addr uintptr, class *LockClass, read, ok bool) {
	if ok {
		acquire(addr, class, read, false)
	}
}

// Unlock is called before sync.Mutex.Unlock or RWMutex.Unlock. A mutex may
// be unlocked by another goroutine than the one that locked it; the lock
// is then removed from its holder's list.
func Unlock(addr uintptr) {
	release(addr, false)
	Release()
}

// RUnlock is called before RWMutex.RUnlock.
func RUnlock(addr uintptr) {
	release(addr, true)
	Release()
}

func lockdepOn() bool {
	o := opts()
	return o.Enabled && o.Lockdep
}

func acquire(addr uintptr, class *LockClass, read, check bool) {
	if class == nil || !lockdepOn() {
		return
	}
	g := goid()
	var reports []*report.Report
	lockdep.Lock()
	held := lockdep.held[g]
	if !read {
		class.writeLocked = true
	}
	for _, h := range held {
		if h.addr == addr && check && (!h.read || read) {
			// Locking a sync.Mutex twice always deadlocks; a second RLock
			// deadlocks as soon as a writer queues in between.
			op := report.OpLock
			if read {
				op = report.OpRLock
			}
			a := captureAccess(addr, 0, 0)
			a.Op, a.LockClass = op, class.name
			reports = append(reports, &report.Report{Kind: report.KindLockOrder, Accesses: []report.Access{*a}})
		}
	}
	for _, h := range held {
		if h.class == class {
			continue
		}
		key := [2]int{h.class.id, class.id}
		if _, ok := lockdep.edges[key]; ok {
			continue
		}
		a := captureAccess(addr, 0, 0)
		a.Op, a.LockClass, a.HeldClass = report.OpLock, class.name, h.class.name
		if read {
			a.Op = report.OpRLock
		}
		e := &lockEdge{from: h.class, to: class, read: read && h.read, access: a}
		if check {
			if path := findPath(class, h.class); path != nil {
				if r := cycleReport(append(path, e)); r != nil {
					reports = append(reports, r)
				}
			}
		}
		lockdep.edges[key] = e
		lockdep.out[h.class.id] = append(lockdep.out[h.class.id], e)
	}
	lockdep.held[g] = append(held, heldLock{addr: addr, class: class, read: read})
	lockdep.Unlock()
	for _, r := range reports {
		emit(r)
	}
}

// findPath returns the edges of a path from one class to another in the
// lock graph, or nil. Called with lockdep held.
func findPath(from, to *LockClass) []*lockEdge {
	seen := map[int]bool{from.id: true}
	var walk func(c *LockClass) []*lockEdge
	walk = func(c *LockClass) []*lockEdge {
		for _, e := range lockdep.out[c.id] {
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
func cycleReport(cycle []*lockEdge) *report.Report {
	allRead := true
	for _, e := range cycle {
		allRead = allRead && e.read
	}
	if allRead {
		for _, e := range cycle {
			if !e.to.writeLocked {
				return nil
			}
		}
	}
	r := &report.Report{Kind: report.KindLockOrder}
	for _, e := range cycle {
		r.Accesses = append(r.Accesses, *e.access)
	}
	title := report.MakeTitle(r)
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
	lockdep.Lock()
	defer lockdep.Unlock()
	if removeHeld(g, addr, read) {
		return
	}
	// Unlocked by another goroutine than the locker: find the holder.
	for other := range lockdep.held {
		if removeHeld(other, addr, read) {
			return
		}
	}
}

// removeHeld removes the most recent matching lock from g's held list.
func removeHeld(g int64, addr uintptr, read bool) bool {
	held := lockdep.held[g]
	for i := len(held) - 1; i >= 0; i-- {
		if held[i].addr == addr && held[i].read == read {
			held = append(held[:i], held[i+1:]...)
			if len(held) == 0 {
				delete(lockdep.held, g)
			} else {
				lockdep.held[g] = held
			}
			return true
		}
	}
	return false
}

// resetLockdep forgets the graph, held locks and reported cycles; turning
// the lockdep option on starts afresh. Classes stay interned.
func resetLockdep() {
	lockdep.Lock()
	defer lockdep.Unlock()
	lockdep.out = make(map[int][]*lockEdge)
	lockdep.edges = make(map[[2]int]*lockEdge)
	lockdep.held = make(map[int64][]heldLock)
	lockdep.cycles = make(map[string]bool)
	for _, c := range lockdep.byID {
		c.writeLocked = false
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
