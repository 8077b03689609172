// Package sanitizer is what Go programs import to talk to gocsan:
// assertions about concurrent code (KCSAN's ASSERT_EXCLUSIVE_*),
// annotations for intentional races, options, report subscription and the
// engine's statistics.
//
// Everything here works in any build. Without gocsan's instrumentation the
// assertions still arm watchpoints, but only other instrumented or
// asserting code can hit them; run under `gocsan test` or `gocsan run` to
// check the program.
package sanitizer
