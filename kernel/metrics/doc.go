// Package metrics exports what gocsan's kernel collector sees to
// Prometheus with client_golang: KCSAN reports by kind, distinct races,
// reports suppressed by rate limiting, console lines read, lost and
// skipped, the time of the last report, and KCSAN's own debugfs counters
// (read from /sys/kernel/debug/kcsan at each scrape). All names start
// with gocsan_kernel_.
package metrics
