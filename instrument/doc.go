// Package instrument rewrites the Go source of one package so that every
// memory access that may be shared between goroutines first calls gocsan's
// runtime (github.com/gocsan/gocsan/runtime): plain, ranged and atomic
// reads and writes, each plain or ranged check with a sampling state of its
// own (runtime.Site), boolean forms inside conditions, lock operations for
// the lock-order checker and release barriers for the reordering model. It
// is the source-level counterpart of the compiler pass that inserts
// KCSAN's __tsan_read/__tsan_write hooks.
//
// The rewrite is textual, in the manner of cmd/cover: the package is
// type-checked with go/types, and calls are inserted at byte offsets of
// the original file, on the same line as the access, with a //line
// directive at the top and /*line*/ comments after each insertion, so that
// compiler errors, panics, runtime.Caller and stack traces show the user's
// file, line and column. Comments and directives are never re-printed.
//
// Locals whose address is never taken and that no closure captures cannot
// be reached by another goroutine and are not instrumented; see
// docs/instrument.md for what this analysis proves and what it does not.
//
// The files: instrument.go (API, type-checking, importcfg), share.go (the
// sharing analysis), access.go, calls.go and sync.go (what an expression
// accesses), exprs.go (addresses, sizes, guards), rewrite.go (statements:
// where checks go), order.go (checks after the calls, receives, && and ||
// evaluated before their access), inline.go (accesses through operands
// with side effects), edit.go (the edit buffer).
package instrument
