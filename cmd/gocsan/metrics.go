package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/gocsan/gocsan/metrics"
)

// gocsan metrics serves /metrics for the instrumented processes of a run
// directory: for long-running services started with
// GOCSAN="stats_dir=DIR json_path=DIR/reports.jsonl".

func init() {
	register("metrics", "serve Prometheus metrics of instrumented processes: gocsan metrics -dir=DIR [-addr=127.0.0.1:9464]",
		func(args []string) int {
			stop := make(chan os.Signal, 1)
			signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
			return metricsMain(args, os.Stdout, os.Stderr, stop)
		})
}

func metricsMain(args []string, stdout, stderr io.Writer, stop <-chan os.Signal) int {
	fs := flag.NewFlagSet("gocsan metrics", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", metrics.DefaultAddr, "listen `address`; an empty host means 127.0.0.1, name one (0.0.0.0:9464) to listen elsewhere")
	dir := fs.String("dir", "", "run `directory`: the stats_dir of the instrumented processes, holding their <pid>.stats files and *.jsonl reports (required)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `usage: gocsan metrics -dir=DIR [-addr=HOST:PORT]

Serves /metrics in the Prometheus text format, summing the counters of
every instrumented process that ran with GOCSAN="stats_dir=DIR" (running
or exited) and counting the reports in DIR/*.jsonl (json_path). Runs
until interrupted.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *dir == "" || fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "gocsan metrics: -dir %s: not a directory\n", *dir)
		return 2
	}
	srv, err := metrics.StartRun(*addr, *dir)
	if err != nil {
		fmt.Fprintf(stderr, "gocsan metrics: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "gocsan metrics: serving http://%s/metrics for %s\n", srv.Addr(), *dir)
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	select {
	case <-stop:
		if err := srv.Close(); err != nil {
			fmt.Fprintf(stderr, "gocsan metrics: %v\n", err)
			return 1
		}
		return 0
	case err := <-done:
		if err != nil {
			fmt.Fprintf(stderr, "gocsan metrics: %v\n", err)
			return 1
		}
		return 0
	}
}
