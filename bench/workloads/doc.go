// Package workloads holds the benchmarks the bench harness runs under
// plain go test, gocsan's profiles and go test -race: CPU-bound loops over
// slices, maps and structs, and concurrent worker pools, mutexes,
// channels and atomic counters. They are ordinary, race-free Go code, so
// the harness measures what instrumentation costs, not what it reports.
package workloads
