// Package instrument rewrites the Go source of one package so that every
// memory access that may be shared between goroutines first calls gocsan's
// runtime (github.com/gocsan/gocsan/runtime): Read, Write, ReadWrite, their
// ranged and atomic variants, and the boolean forms used inside
// conditions. It is the source-level counterpart of the compiler pass that
// inserts KCSAN's __tsan_read/__tsan_write hooks.
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
package instrument
