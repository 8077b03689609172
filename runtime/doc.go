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
// rendezvous.go and reporter.go turn a hit into a report.Report and print
// it; options.go holds every tunable; stats.go the counters.
//
// The package uses the standard library and gocsan's report package only:
// it is linked into every instrumented program.
package runtime
