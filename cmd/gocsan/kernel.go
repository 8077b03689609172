package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/gocsan/gocsan/kernel/watch"
)

// gocsan kernel collects KCSAN reports from Linux kernels (a running
// kernel through eBPF or /dev/kmsg, or a saved console log) and turns them
// into gocsan reports and metrics. The command line and the pipeline are
// in package kernel/watch; see docs/kernel.md.

func init() {
	register("kernel", "collect KCSAN reports from a Linux kernel: gocsan kernel watch [--source=auto|ebpf|kmsg|FILE|-] [--vmlinux=FILE] [--metrics-addr=ADDR] [--json=FILE]",
		func(args []string) int {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return watch.Main(ctx, args, os.Stdin, os.Stdout, os.Stderr)
		})
}
