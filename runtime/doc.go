// Package runtime is gocsan's detection engine, the code instrumented
// programs call before every shared-memory access. It is a Go port of the
// Linux kernel's KCSAN (kernel/kcsan/core.c): a small fixed table of
// atomic watchpoint words, a sampling skip counter that picks which access
// sets up a watchpoint, a delay while the watchpoint is armed, value-change
// detection, and a rendezvous that turns a watchpoint hit into one report
// with both goroutines' stacks.
//
// The files follow KCSAN's split: encoding.go is the bit layout of one
// watchpoint word; hooks.go the entry points instrumented code calls (the
// fast path); core.go the watchpoint table and the two slow paths;
// reporter.go turns a hit into a record.Report and writes it; options.go
// holds every tunable; stats.go the counters.
//
// It is linked into every instrumented program, and imports only runtime,
// unsafe, sync/atomic (and what they need) and its record package, so
// that every other standard-library package can itself be instrumented:
// clock.go, lock.go, exit.go, strs.go, duration.go and sys_*.go replace
// what it would otherwise take from time, sync, os, strings and strconv.
// docs/engine.md ("Import closure") lists the set and why each is there.
package runtime
