package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	goruntime "runtime"

	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/baseline"
	"github.com/gocsan/gocsan/report/ghactions"
	"github.com/gocsan/gocsan/report/htmlreport"
	"github.com/gocsan/gocsan/report/junit"
	"github.com/gocsan/gocsan/report/sarif"
	"github.com/gocsan/gocsan/report/testjson"
)

// gocsan report converts saved JSON-lines reports (the json_path option's
// files) to the formats CI systems read, merging and deduplicating runs.

func init() {
	register("report", "convert saved reports (text, json, sarif, junit, html, github, test2json), merge runs, baselines",
		func(args []string) int { return reportMain(args, os.Stdin, os.Stdout, os.Stderr, os.Getenv) })
}

const reportUsage = `usage: gocsan report [flags] reports.jsonl...
       gocsan report baseline -o FILE reports.jsonl...

Reads JSON-lines reports (GOCSAN json_path files; - is standard input),
merges them, removes duplicates and writes them in one format. With
-baseline, races whose fingerprint is in the baseline are left out.
The baseline subcommand writes a baseline accepting every race read.

Exit status: 0 no races (none new with -baseline); 1 races, or input
lines that are not reports; 2 usage errors and unreadable files.

Flags:
`

func reportMain(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) > 0 && args[0] == "baseline" {
		return baselineMain(args[1:], stdin, stdout, stderr)
	}
	fs := flag.NewFlagSet("gocsan report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output `format`: text, json, sarif, junit, html, github or test2json")
	out := fs.String("o", "", "write to `file` instead of standard output")
	base := fs.String("baseline", "", "leave out the races of this baseline `file`")
	root := fs.String("root", "", "repository root `dir` for relative paths (default: the current directory)")
	testJSON := fs.String("test-json", "", "go test -json output `file` of the run (junit: the test results; test2json: the stream to merge into)")
	category := fs.String("category", "", "SARIF automation category, to tell several uploads apart")
	title := fs.String("title", "", "HTML page title")
	fs.Usage = func() {
		fmt.Fprint(stderr, reportUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	switch *format {
	case "text", "json", "sarif", "junit", "html", "github", "test2json":
	default:
		fmt.Fprintf(stderr, "gocsan report: unknown -format %q (want text, json, sarif, junit, html, github or test2json)\n", *format)
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(stderr, "gocsan report: no report files given\n")
		fs.Usage()
		return 2
	}
	if *format == "test2json" && *testJSON == "" {
		fmt.Fprintf(stderr, "gocsan report: -format=test2json needs -test-json=FILE, the go test -json output to merge the races into\n")
		return 2
	}
	if *root == "" {
		wd, err := os.Getwd()
		if err != nil {
			fmt.Fprintf(stderr, "gocsan report: %v\n", err)
			return 2
		}
		*root = wd
	}
	all, status := readReportFiles(fs.Args(), stdin, stderr)
	if status == 2 {
		return 2
	}
	reports, counts := report.Dedup(all)
	if *base != "" {
		b, err := baseline.ReadFile(*base)
		if err != nil {
			fmt.Fprintf(stderr, "gocsan report: %v\n", err)
			return 2
		}
		known := len(reports)
		reports, counts = b.New(reports, counts)
		fmt.Fprintf(stderr, "gocsan report: %d of %d races are in baseline %s, %d new\n", known-len(reports), known, *base, len(reports))
	}
	var events []testjson.Event
	var rawEvents []byte
	if *testJSON != "" {
		data, err := os.ReadFile(*testJSON)
		if err != nil {
			fmt.Fprintf(stderr, "gocsan report: %v\n", err)
			return 2
		}
		rawEvents = data
		var errs []error
		events, errs = testjson.ReadEvents(bytes.NewReader(data), *testJSON)
		for _, err := range errs {
			fmt.Fprintf(stderr, "gocsan report: %v\n", err)
			status = 1
		}
	}

	w := stdout
	var file *os.File
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintf(stderr, "gocsan report: %v\n", err)
			return 2
		}
		file = f
		w = f
	}
	bw := bufio.NewWriter(w)
	err := writeFormat(bw, *format, reports, counts, events, rawEvents, *root, *category, *title, getenv)
	if err == nil {
		err = bw.Flush()
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "gocsan report: %v\n", err)
		return 2
	}
	if len(reports) > 0 && status == 0 {
		status = 1
	}
	return status
}

func writeFormat(w io.Writer, format string, reports []*report.Report, counts []int, events []testjson.Event, rawEvents []byte, root, category, title string, getenv func(string) string) error {
	switch format {
	case "text":
		for i, r := range reports {
			if err := report.WriteText(w, r); err != nil {
				return err
			}
			if counts[i] > 1 {
				fmt.Fprintf(w, "(seen %d times)\n", counts[i])
			}
			fmt.Fprintln(w)
		}
		return nil
	case "json":
		for _, r := range reports {
			line, err := report.MarshalLine(r)
			if err != nil {
				return err
			}
			if _, err := w.Write(line); err != nil {
				return err
			}
		}
		return nil
	case "sarif":
		return sarif.Write(w, reports, counts, sarif.Options{Root: root, ToolVersion: versionName(), Category: category})
	case "junit":
		return junit.Write(w, events, reports, junit.Options{GoVersion: goruntime.Version()})
	case "html":
		return htmlreport.Write(w, reports, counts, htmlreport.Options{Root: root, Title: title})
	case "github":
		// Asked for explicitly: annotations are printed wherever this
		// runs; the job summary is appended when Actions provides one.
		if err := ghactions.Annotations(w, reports, counts, ghactions.Options{Root: root}); err != nil {
			return err
		}
		return ghactions.Publish(io.Discard, func(k string) string {
			if k == "GITHUB_ACTIONS" {
				return "" // annotations already written
			}
			return getenv(k)
		}, reports, counts, ghactions.Options{Root: root})
	case "test2json":
		s := testjson.NewStream(w)
		for _, line := range bytes.SplitAfter(rawEvents, []byte("\n")) {
			if len(line) == 0 {
				continue
			}
			if err := s.Event(line); err != nil {
				return err
			}
		}
		for _, r := range reports {
			if _, err := s.Race(r); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown format %q", format)
}

// readReportFiles reads every file; status is 2 if a file cannot be read,
// 1 if some lines are not reports (each is reported by file and line),
// else 0.
func readReportFiles(files []string, stdin io.Reader, stderr io.Writer) (all []*report.Report, status int) {
	for _, name := range files {
		var rd io.Reader
		if name == "-" {
			rd, name = stdin, "<stdin>"
		} else {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintf(stderr, "gocsan report: %v\n", err)
				return nil, 2
			}
			defer f.Close()
			rd = f
		}
		rs, errs := report.ReadJSON(rd, name)
		for _, err := range errs {
			fmt.Fprintf(stderr, "gocsan report: %v\n", err)
			status = 1
		}
		all = append(all, rs...)
	}
	return all, status
}

func baselineMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gocsan report baseline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the baseline to `file` (required)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: gocsan report baseline -o FILE reports.jsonl...\n\nWrites a baseline accepting every race in the reports.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *out == "" || fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	all, status := readReportFiles(fs.Args(), stdin, stderr)
	if status != 0 {
		// A baseline written from partly unreadable input would
		// silently accept less than the user thinks.
		fmt.Fprintf(stderr, "gocsan report baseline: not written: fix or remove the lines above\n")
		return 2
	}
	b := baseline.New(all)
	tmp := *out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		fmt.Fprintf(stderr, "gocsan report baseline: %v\n", err)
		return 2
	}
	err = b.Write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, *out)
	}
	if err != nil {
		os.Remove(tmp)
		fmt.Fprintf(stderr, "gocsan report baseline: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "gocsan: wrote %s accepting %d races\n", filepath.Clean(*out), len(b.Entries))
	return 0
}
