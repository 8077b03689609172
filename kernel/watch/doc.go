// Package watch is the kernel collector's pipeline: console lines from a
// source (kernel/source) are parsed into KCSAN reports
// (report/kernellog), rate limited (report.RateLimiter), symbolized
// (kernel/symbolize), written as KCSAN text and JSON lines, kept for the
// SARIF and HTML documents written at the end, and counted in the
// Prometheus metrics (kernel/metrics). gocsan kernel watch is a thin
// flag parser around Run.
package watch
