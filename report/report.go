package report

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Kind is what a report is about. The values are stable: they appear in
// JSON output, SARIF rule ids and metric labels.
type Kind string

const (
	// KindDataRace is a conflicting pair of accesses that overlapped in
	// time, at least one of them plain and at least one a write.
	KindDataRace Kind = "data-race"
	// KindAssert is a violated assertion (AssertExclusiveWriter and
	// friends); KCSAN titles these "assert: race".
	KindAssert Kind = "assert"
	// KindLockOrder is a possible deadlock found by the lock-order
	// checker: lock acquisitions whose order forms a cycle (lockdep's
	// "possible circular locking dependency"), or a goroutine locking a
	// mutex it already holds.
	KindLockOrder Kind = "lock-order"
	// KindUnknownOrigin is a value that changed while a watchpoint was
	// armed although no instrumented access hit the watchpoint: the
	// writer was uninstrumented (assembly, cgo, a package left out).
	KindUnknownOrigin Kind = "unknown-origin"
)

// How a race was seen (Report.Detection).
const (
	// DetectedWatchpoint: the second access hit the first one's
	// watchpoint while it was armed.
	DetectedWatchpoint = "watchpoint"
	// DetectedValueChange: the watched value changed while armed.
	DetectedValueChange = "value-change"
	// DetectedHappensBefore: the happens-before detector found the
	// second access unordered with an earlier sampled one, however far
	// apart in time.
	DetectedHappensBefore = "happens-before"
)

// Op is the operation of one access.
type Op string

const (
	OpRead      Op = "read"
	OpWrite     Op = "write"
	OpReadWrite Op = "read-write"
	// OpLock and OpRLock are lock acquisitions in lock-order reports.
	OpLock  Op = "lock"
	OpRLock Op = "rlock"
)

// Frame is one symbolized stack frame. Go frames carry Function, File and
// Line; kernel frames additionally carry the symbol offset and size as
// printed by %pS ("func+0x1d/0x30") and the module, if any.
type Frame struct {
	Function string `json:"function"`
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	PC       uint64 `json:"pc,omitempty"`
	Offset   uint64 `json:"offset,omitempty"`
	SymSize  uint64 `json:"sym_size,omitempty"`
	Module   string `json:"module,omitempty"`
	// Inlined is set for a frame that symbolization found inlined into
	// the frame that follows it.
	Inlined bool `json:"inlined,omitempty"`
	// Instruction is the disassembled instruction at PC, when known.
	Instruction string `json:"instruction,omitempty"`
}

// Access is one side of a report.
type Access struct {
	Op Op `json:"op"`
	// Marked is set for atomic (sync/atomic, READ_ONCE...) accesses.
	Marked bool `json:"marked,omitempty"`
	// Assert is set for an assertion pseudo-access; Op is then OpRead for
	// "assert no writes" and OpWrite for "assert no accesses".
	Assert bool `json:"assert,omitempty"`
	// Reordered is set for a scoped or reordered access (KCSAN prints
	// "(reordered)" for both).
	Reordered bool   `json:"reordered,omitempty"`
	Addr      uint64 `json:"addr"`
	Size      uint64 `json:"size"`
	// Goroutine is the goroutine id (Go) or task pid (kernel); -1 when
	// the access came from an interrupt.
	Goroutine int64 `json:"goroutine"`
	// CPU is the kernel CPU number; -1 for Go reports.
	CPU       int     `json:"cpu"`
	Interrupt bool    `json:"interrupt,omitempty"`
	Stack     []Frame `json:"stack"`
	// CreatedBy is where the goroutine was created (the go statement),
	// when known.
	CreatedBy *Frame `json:"created_by,omitempty"`
	// CreatorGoroutine is the goroutine that ran that go statement.
	CreatorGoroutine int64 `json:"creator_goroutine,omitempty"`
	// LockClass is the class of the lock acquired (OpLock, OpRLock): where
	// the lock lives, a package variable or a struct field of a type.
	LockClass string `json:"lock_class,omitempty"`
	// HeldClass is the class of the lock held during the acquisition.
	HeldClass string `json:"held_class,omitempty"`
	// ReorderedTo is the frame an access was reordered to (KCSAN's
	// "+-> reordered to:" line).
	ReorderedTo *Frame `json:"reordered_to,omitempty"`
}

// TypeString is KCSAN's access type string (get_access_type in
// kernel/kcsan/report.c): "read", "write (marked)", "assert no writes",
// "read-write (reordered)" and so on.
func (a Access) TypeString() string {
	if a.Op == OpLock || a.Op == OpRLock {
		s := string(a.Op) + " of " + a.LockClass
		if a.HeldClass != "" {
			s += " while holding " + a.HeldClass
		}
		return s
	}
	if a.Assert {
		s := "assert no writes"
		if a.Op != OpRead {
			s = "assert no accesses"
		}
		if a.Reordered {
			s += " (reordered)"
		}
		return s
	}
	s := string(a.Op)
	switch {
	case a.Marked && a.Reordered:
		s += " (marked, reordered)"
	case a.Marked:
		s += " (marked)"
	case a.Reordered:
		s += " (reordered)"
	}
	return s
}

// Top returns the first frame of the access's stack, the frame KCSAN uses
// for titles, filters and rate limiting.
func (a Access) Top() Frame {
	if len(a.Stack) == 0 {
		return Frame{}
	}
	return a.Stack[0]
}

// Report is one finding, from a Go program or from a kernel log.
type Report struct {
	Kind Kind `json:"kind"`
	// Title is KCSAN's title without the "BUG: KCSAN: " prefix, for
	// example "data-race in main.reader / main.writer".
	Title string `json:"title"`
	// Accesses holds the two racing accesses, the one that hit the
	// watchpoint first and the watcher second (KCSAN's print order). An
	// unknown-origin report has only the watcher.
	Accesses []Access `json:"accesses"`
	// ValueChanged is set when the watcher saw the value change; Old and
	// New hold the values (for accesses of at most 8 bytes).
	ValueChanged bool   `json:"value_changed,omitempty"`
	Old          uint64 `json:"old,omitempty"`
	New          uint64 `json:"new,omitempty"`
	// Mask is the mask of an AssertExclusiveBits report.
	Mask uint64    `json:"mask,omitempty"`
	Time time.Time `json:"time"`
	// Source is "go" or "kernel".
	Source string `json:"source"`
	// Detection tells how a Go data race was seen: DetectedWatchpoint,
	// DetectedValueChange or DetectedHappensBefore.
	Detection string `json:"detection,omitempty"`
	// Process is the pid of the Go process, or the kernel's "Reported by"
	// line for kernel reports.
	Process string `json:"process,omitempty"`
	// Test is the Go test whose goroutine made the report's watcher
	// access, when known (filled by the test driver).
	Test string `json:"test,omitempty"`
	// Package is the import path of the package of the watcher's top
	// frame, when known.
	Package string `json:"package,omitempty"`
	// Raw holds the original text for reports parsed from a log.
	Raw string `json:"raw,omitempty"`
}

// MakeTitle computes the KCSAN title of r from its kind and accesses:
// "data-race in A / B" with the two top-frame functions sorted, so the
// same pair always gets the same title whichever side watched, or
// "data-race in F+0xOFF/0xSIZE" for an unknown origin.
func MakeTitle(r *Report) string {
	if r.Kind == KindLockOrder {
		return lockOrderTitle(r)
	}
	prefix := "data-race"
	if r.Kind == KindAssert {
		prefix = "assert: race"
	}
	if len(r.Accesses) == 1 {
		return prefix + " in " + frameWithOffset(r.Accesses[0].Top())
	}
	if len(r.Accesses) == 0 {
		return prefix
	}
	a, b := r.Accesses[0].Top(), r.Accesses[1].Top()
	names := []string{frameSortKey(a), frameSortKey(b)}
	fa, fb := a.Function, b.Function
	if names[1] < names[0] {
		fa, fb = fb, fa
	}
	return fmt.Sprintf("%s in %s / %s", prefix, fa, fb)
}

func frameSortKey(f Frame) string {
	if f.SymSize != 0 {
		return frameWithOffset(f)
	}
	return fmt.Sprintf("%s:%08d", f.Function, f.Line)
}

func frameWithOffset(f Frame) string {
	if f.SymSize != 0 || f.Offset != 0 {
		return fmt.Sprintf("%s+0x%x/0x%x", f.Function, f.Offset, f.SymSize)
	}
	if f.File != "" {
		return fmt.Sprintf("%s (%s:%d)", f.Function, f.File, f.Line)
	}
	return f.Function
}

// PairKey identifies the unordered pair of top frames of r, the key of
// KCSAN's rate limiter. Two reports with the same PairKey are the same
// race.
func PairKey(r *Report) string {
	keys := make([]string, 0, 2)
	for _, a := range r.Accesses {
		t := a.Top()
		keys = append(keys, fmt.Sprintf("%s %s:%d %x", t.Function, t.File, t.Line, t.Offset))
	}
	if len(keys) == 1 {
		keys = append(keys, "")
	}
	sort.Strings(keys)
	return string(r.Kind) + "|" + strings.Join(keys, "|")
}

// lockOrderTitle names the cycle, starting from its smallest class so the
// same cycle always gets the same title: "possible circular locking
// dependency: a.mu -> b.mu -> a.mu", or "recursive locking of a.mu".
func lockOrderTitle(r *Report) string {
	if len(r.Accesses) == 1 {
		a := r.Accesses[0]
		if a.Op == OpRLock {
			return "recursive read locking of " + a.LockClass
		}
		return "recursive locking of " + a.LockClass
	}
	var cycle []string
	for _, a := range r.Accesses {
		cycle = append(cycle, a.HeldClass)
	}
	start := 0
	for i := range cycle {
		if cycle[i] < cycle[start] {
			start = i
		}
	}
	rot := append(append([]string{}, cycle[start:]...), cycle[:start]...)
	return "possible circular locking dependency: " + strings.Join(append(rot, rot[0]), " -> ")
}
