// Package debugfs reads KCSAN's statistics file, /sys/kernel/debug/kcsan
// (kernel/kcsan/debugfs.c, show_info): whether KCSAN is enabled, its
// counters (watchpoints set up, data races, assert failures, races of
// unknown origin...), and the report filter list.
package debugfs
