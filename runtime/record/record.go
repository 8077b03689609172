package record

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

// Report is one finding, as the engine records it. Its fields are those
// of report.Report, except Time, which is kept as a number so that this
// package needs no time package.
type Report struct {
	Kind Kind
	// Title is KCSAN's title without the "BUG: KCSAN: " prefix (Title
	// computes it).
	Title string
	// Accesses holds the two racing accesses, the one that hit the
	// watchpoint first and the watcher second (KCSAN's print order). An
	// unknown-origin report has only the watcher.
	Accesses []Access
	// ValueChanged is set when the watcher saw the value change; Old and
	// New hold the values (for accesses of at most 8 bytes).
	ValueChanged bool
	Old, New     uint64
	// Mask is the mask of an AssertExclusiveBits report.
	Mask uint64
	// Time is when the report was made, in nanoseconds since the Unix
	// epoch (wall clock); 0 when unknown.
	Time int64
	// Source is "go" or "kernel".
	Source string
	// Detection tells how a Go data race was seen: DetectedWatchpoint,
	// DetectedValueChange or DetectedHappensBefore.
	Detection string
	// Process is the pid of the Go process, or the kernel's "Reported by"
	// line for kernel reports.
	Process string
	// Test is the Go test whose goroutine made the report's watcher
	// access, when known.
	Test string
	// Package is the import path of the package of the watcher's top
	// frame, when known.
	Package string
	// Raw holds the original text for reports parsed from a log.
	Raw string
}
