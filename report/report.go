package report

import (
	"time"

	"github.com/gocsan/gocsan/runtime/record"
)

// The data of a report is the engine's (package runtime/record): Kind,
// Op, Frame and Access are the same types, so that the runtime records
// reports without depending on this package.

// Kind is what a report is about. The values are stable: they appear in
// JSON output, SARIF rule ids and metric labels.
type Kind = record.Kind

const (
	KindDataRace      = record.KindDataRace
	KindAssert        = record.KindAssert
	KindLockOrder     = record.KindLockOrder
	KindUnknownOrigin = record.KindUnknownOrigin
)

// How a race was seen (Report.Detection; see record.DetectedWatchpoint
// and the others).
const (
	DetectedWatchpoint    = record.DetectedWatchpoint
	DetectedValueChange   = record.DetectedValueChange
	DetectedHappensBefore = record.DetectedHappensBefore
)

// Op is the operation of one access.
type Op = record.Op

const (
	OpRead      = record.OpRead
	OpWrite     = record.OpWrite
	OpReadWrite = record.OpReadWrite
	OpLock      = record.OpLock
	OpRLock     = record.OpRLock
)

// Frame is one symbolized stack frame (see record.Frame).
type Frame = record.Frame

// Access is one side of a report (see record.Access).
type Access = record.Access

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
func MakeTitle(r *Report) string { return record.Title(r.Record()) }

// PairKey identifies the unordered pair of top frames of r, the key of
// KCSAN's rate limiter. Two reports with the same PairKey are the same
// race.
func PairKey(r *Report) string { return record.PairKey(r.Record()) }

// Record returns r as the engine's record (sharing its accesses).
func (r *Report) Record() *record.Report {
	rec := &record.Report{
		Kind: r.Kind, Title: r.Title, Accesses: r.Accesses,
		ValueChanged: r.ValueChanged, Old: r.Old, New: r.New, Mask: r.Mask,
		Source: r.Source, Detection: r.Detection, Process: r.Process, Test: r.Test, Package: r.Package, Raw: r.Raw,
	}
	if !r.Time.IsZero() {
		rec.Time = r.Time.UnixNano()
	}
	return rec
}

// FromRecord returns the engine's record as a Report (sharing its
// accesses), its time in the local time zone.
func FromRecord(rec *record.Report) *Report {
	r := &Report{
		Kind: rec.Kind, Title: rec.Title, Accesses: rec.Accesses,
		ValueChanged: rec.ValueChanged, Old: rec.Old, New: rec.New, Mask: rec.Mask,
		Source: rec.Source, Detection: rec.Detection, Process: rec.Process, Test: rec.Test, Package: rec.Package, Raw: rec.Raw,
	}
	if rec.Time != 0 {
		r.Time = time.Unix(0, rec.Time)
	}
	return r
}
