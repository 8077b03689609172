// Package source delivers kernel console lines to gocsan's KCSAN report
// parser (report/kernellog) from where a running kernel or a saved log
// has them:
//
//   - EBPF: a BPF program, assembled in Go with cilium/ebpf's asm package
//     (no C toolchain), attached to the printk:console tracepoint, copies
//     every console message into a ring buffer as it is printed.
//   - Kmsg: /dev/kmsg records, new ones only or the backlog since boot.
//   - File: a serial console log, QEMU or syzkaller log, or stdin.
//
// Every source yields Lines with a stream key that keeps apart reports
// printed at the same time from different tasks or CPUs, and counts what
// it lost.
package source
