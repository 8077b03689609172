package watch

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/gocsan/gocsan/kernel/debugfs"
	"github.com/gocsan/gocsan/kernel/metrics"
	"github.com/gocsan/gocsan/kernel/source"
	"github.com/gocsan/gocsan/kernel/symbolize"
	"github.com/gocsan/gocsan/report/htmlreport"
	"github.com/gocsan/gocsan/report/sarif"
)

// The command line of gocsan kernel, here rather than in cmd/gocsan so
// that it is tested with the pipeline.

const usage = `usage: gocsan kernel watch [flags]

Reads kernel console output, parses the KCSAN reports in it, and writes
each one as KCSAN text (standard output by default) and JSON lines, with
optional symbolization (file:line with inlined frames, and the access
instruction) and Prometheus metrics. See docs/kernel.md.

Sources (--source):
  auto   ebpf where permitted, else kmsg (the default)
  ebpf   a BPF program on the printk:console tracepoint (CAP_BPF and
         CAP_PERFMON, or root); sees messages printed from now on
  kmsg   /dev/kmsg (CAP_SYSLOG if kernel.dmesg_restrict=1); with
         --backlog, also everything since boot
  FILE   a saved console log (serial console, QEMU, syzkaller); - is stdin

A live source runs until interrupted (SIGINT, SIGTERM); a file until its
end. Exit status: 0 done, 1 a source, symbol or output error, 2 usage,
3 reports were shown and --fail-on-report was given (for CI jobs that
boot a test kernel and check its console log).

Flags:
`

// Main is gocsan kernel: args are the arguments after "kernel". It
// returns the exit status. Cancelling ctx (gocsan passes one cancelled by
// SIGINT and SIGTERM) ends a live source.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "watch" {
		fmt.Fprint(stderr, usage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			return 0
		}
		return 2
	}
	fs := flag.NewFlagSet("gocsan kernel watch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	src := fs.String("source", "auto", "console `source`: auto (ebpf where permitted, else kmsg), ebpf, kmsg, a log file, or - for standard input")
	ebpfMode := fs.String("ebpf-mode", "raw", "how the BPF program attaches to printk:console: raw (raw tracepoint: CAP_BPF+CAP_PERFMON, no tracefs) or tp (perf tracepoint: needs tracefs)")
	backlog := fs.Bool("backlog", false, "kmsg: read the kernel log from its oldest record (reports printed during boot) instead of new records only")
	vmlinux := fs.String("vmlinux", "", "kernel image `file` with DWARF, to symbolize frames to file:line and disassemble access sites")
	symFile := fs.String("symbols", "", "symbol table `file` (System.map or /proc/kallsyms): run-time addresses, also of modules, and names without --vmlinux")
	modDirs := fs.String("modules", "", "comma-separated `dirs` searched for modules' .ko files (a kernel build tree, /lib/modules/RELEASE) to symbolize module frames")
	metricsAddr := fs.String("metrics-addr", "", "serve Prometheus metrics on this `address` (e.g. 127.0.0.1:9464); empty: off")
	debugfsPath := fs.String("debugfs", debugfs.Path, "KCSAN debugfs `file` exported with the metrics; empty: off")
	textOut := fs.String("text", "-", "write KCSAN text reports to `file` (- is standard output; empty: off)")
	jsonOut := fs.String("json", "", "write JSON-lines reports to `file` (readable by gocsan report)")
	sarifOut := fs.String("sarif", "", "at the end, write the distinct reports as SARIF to `file`")
	htmlOut := fs.String("html", "", "at the end, write the distinct reports as an HTML page to `file`")
	srcRoot := fs.String("src", "", "kernel source tree `dir`: paths in SARIF and HTML are made relative to it")
	rateLimit := fs.Duration("rate-limit", 3*time.Second, "show the same pair of frames at most once per `duration` (KCSAN_REPORT_ONCE_IN_MS); 0 shows all")
	idle := fs.Duration("idle-flush", 5*time.Second, "show a report cut off by lost lines after this `duration` without its next line")
	failOn := fs.Bool("fail-on-report", false, "exit with status 3 if any report was shown")
	quiet := fs.Bool("quiet", false, "do not print skipped lines and symbolization problems on standard error")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "gocsan kernel watch: unexpected arguments %q\n", fs.Args())
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "gocsan kernel watch: %v\n", err)
		return 1
	}

	var s source.Source
	var err error
	switch *src {
	case "auto":
		s, err = source.OpenEBPF(source.EBPFOptions{Mode: source.EBPFMode(*ebpfMode)})
		if err != nil {
			fmt.Fprintf(stderr, "gocsan kernel watch: %v; falling back to %s\n", err, source.KmsgPath)
			s, err = source.OpenKmsg(source.KmsgPath, *backlog)
		}
	case "ebpf":
		s, err = source.OpenEBPF(source.EBPFOptions{Mode: source.EBPFMode(*ebpfMode)})
	case "kmsg":
		s, err = source.OpenKmsg(source.KmsgPath, *backlog)
	case "-":
		s = source.NewReader("stdin", stdin)
	case "":
		fmt.Fprintln(stderr, "gocsan kernel watch: --source is empty")
		return 2
	default:
		s, err = source.OpenFile(*src)
	}
	if err != nil {
		return fail(err)
	}
	defer s.Close()

	cfg := Config{Source: s, RateLimit: *rateLimit, IdleFlush: *idle}
	if !*quiet {
		cfg.Diag = stderr
	}
	if *vmlinux != "" || *symFile != "" || *modDirs != "" {
		sym := &symbolize.Symbolizer{}
		if *vmlinux != "" {
			im, err := symbolize.OpenImage(*vmlinux)
			if err != nil {
				return fail(err)
			}
			defer im.Close()
			if im.DWARFErr != nil {
				fmt.Fprintf(stderr, "gocsan kernel watch: %v; frames get addresses and instructions only\n", im.DWARFErr)
			}
			sym.Image = im
		}
		if *symFile != "" {
			if sym.Table, err = symbolize.OpenSymbolFile(*symFile); err != nil {
				return fail(err)
			}
		}
		if *modDirs != "" {
			sym.Modules = &symbolize.Modules{Dirs: strings.Split(*modDirs, ",")}
			defer sym.Modules.Close()
		}
		cfg.Symbolizer = sym
	}
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	create := func(path string) (io.Writer, error) {
		if path == "-" {
			return stdout, nil
		}
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		closers = append(closers, f)
		return f, nil
	}
	if *textOut != "" {
		if cfg.Text, err = create(*textOut); err != nil {
			return fail(err)
		}
	}
	if *jsonOut != "" {
		if cfg.JSON, err = create(*jsonOut); err != nil {
			return fail(err)
		}
	}
	if *metricsAddr != "" {
		cfg.Metrics = metrics.New(metrics.Options{DebugfsPath: *debugfsPath, Lost: s.Lost, Source: *src})
		srv, addr, err := cfg.Metrics.Serve(*metricsAddr)
		if err != nil {
			return fail(fmt.Errorf("metrics: %w", err))
		}
		defer srv.Close()
		fmt.Fprintf(stderr, "gocsan kernel watch: metrics on http://%s/metrics\n", addr)
	}

	fmt.Fprintf(stderr, "gocsan kernel watch: reading %s\n", s.Name())
	res, runErr := Run(ctx, cfg)
	status := 0
	if runErr != nil {
		fmt.Fprintf(stderr, "gocsan kernel watch: %v\n", runErr)
		status = 1
	}
	if *sarifOut != "" {
		if err := writeDoc(*sarifOut, func(w io.Writer) error {
			return sarif.Write(w, res.Unique, res.Counts, sarif.Options{Root: *srcRoot, Category: "kernel"})
		}); err != nil {
			status = fail(err)
		}
	}
	if *htmlOut != "" {
		if err := writeDoc(*htmlOut, func(w io.Writer) error {
			return htmlreport.Write(w, res.Unique, res.Counts, htmlreport.Options{Title: "gocsan kernel: KCSAN reports", Root: *srcRoot})
		}); err != nil {
			status = fail(err)
		}
	}
	fmt.Fprintf(stderr, "gocsan kernel watch: %d lines, %d reports (%d shown, %d distinct), %d skipped lines, %d records lost\n",
		res.Lines, res.Reports, res.Shown, len(res.Unique), res.Skips, res.LostRecord)
	if status == 0 && *failOn && res.Shown > 0 {
		status = 3
	}
	return status
}

func writeDoc(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
