// Package metrics exposes gocsan's counters to Prometheus, with
// client_golang and its naming conventions: the engine's statistics
// (KCSAN's debugfs counters and gocsan's own) as gocsan_*_total counters
// and gauges, the reports by kind and package, and gocsan_build_info.
//
// For a whole run it aggregates over every instrumented process: each
// keeps its counters in DIR/<pid>.stats (the stats_dir option; the file
// survives exit and kill) and appends its reports to DIR/*.jsonl
// (json_path), so the gocsan process can serve /metrics for programs that
// link nothing but gocsan's stdlib-only runtime. For a program that wants
// the metrics in its own registry, see sanitizer/promcollector.
//
// This package depends on client_golang; the runtime and report packages
// linked into instrumented programs must never import it.
package metrics
