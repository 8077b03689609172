// Package kernellog parses the console output of Linux kernels built with
// CONFIG_KCSAN into report.Report values, the same type Go races become.
//
// It reads what a serial console, /dev/kmsg, dmesg, syzkaller or the
// printk:console tracepoint give: lines with or without printk timestamps
// ("[    8.299921] ") and caller ids ("[  T123] ", "[    C1] "), KCSAN
// reports of every kind (data-race, "assert: race", race at unknown
// origin, value and bits changed, reordered accesses, interrupt contexts)
// interleaved with unrelated console lines and with each other, and
// truncated anywhere. The grammar is that of kernel/kcsan/report.c
// (Linux 6.12); each line is classified on its own, so a foreign line
// inside a report is skipped instead of ending it, and a malformed line is
// skipped with a reason that names it instead of losing the reports
// around it.
//
// Like package report, it uses the standard library only.
package kernellog
