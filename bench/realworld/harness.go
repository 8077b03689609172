// Package realworld measures gocsan on published modules' own tests: a
// corpus of races that go test -race reports (corpus/races, one JSON file
// per case) and a corpus of race-free modules whose tests pass
// (corpus/compat). It is run by "go run ./bench -realworld"; see
// docs/realworld.md for the method and the scoring.
//
// Each case's module is downloaded through the module proxy into the
// user's module cache, copied to a fresh directory so it is the main
// module with its own go.mod, and tested there under plain go test (compat
// only), go test -race, and gocsan test -profile=default and -profile=ci:
// one configuration for all cases. A race run counts only when a report
// names a recorded access location (score.go).
package realworld

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Options configures a run of the harness.
type Options struct {
	Corpus     string         // directory holding races/ and compat/
	Gocsan     string         // the gocsan binary under test
	Tmp        string         // scratch directory for module copies
	Races      bool           // run the race corpus
	Compat     bool           // run the compat corpus
	Select     *regexp.Regexp // case ids to run; nil: all
	N          int            // runs per race case and tool
	GOMAXPROCS []int          // compat: one pass per value
	Timeout    time.Duration  // per go test run
	Cold       bool           // compat: first run with an empty build cache per tool
	Command    string         // the command line, recorded in the results
	Commit     string         // gocsan's git commit, recorded in the results
	Log        io.Writer      // progress lines
	// Save, if set, is called with the results so far after each case
	// (to rewrite the -o file, so a run stopped early keeps them).
	Save func(*Results) error
}

// Run loads the corpora, runs the selected cases and returns the results.
// An unreachable module proxy stops the run with an error (the results so
// far are returned too); every other failure is recorded for its case.
func Run(o Options) (*Results, error) {
	if o.N < 1 {
		return nil, errors.New("runs per case must be at least 1")
	}
	if o.Compat && len(o.GOMAXPROCS) == 0 {
		return nil, errors.New("no GOMAXPROCS values for the compat corpus")
	}
	var races []RaceCase
	var compat []CompatCase
	var err error
	if o.Races {
		if races, err = loadRaces(filepath.Join(o.Corpus, "races")); err != nil {
			return nil, err
		}
	}
	if o.Compat {
		if compat, err = loadCompat(filepath.Join(o.Corpus, "compat")); err != nil {
			return nil, err
		}
	}
	h := &harness{
		tools:   tools(o.Gocsan),
		n:       o.N,
		timeout: o.Timeout,
		tmp:     o.Tmp,
		cold:    o.Cold,
		procs:   o.GOMAXPROCS,
	}
	res := &Results{RunInfo: RunInfo{
		Date:       time.Now().UTC().Format(time.RFC3339),
		Machine:    machine(),
		Go:         goEnv("GOVERSION"),
		Commit:     o.Commit,
		Command:    o.Command,
		Runs:       o.N,
		GOMAXPROCS: o.GOMAXPROCS,
		Profiles:   profiles(),
	}}
	res.recordLoad()
	selected := func(id string) bool { return o.Select == nil || o.Select.MatchString(id) }
	// done records a completed case: the progress line, the load, the
	// results so far saved; err is the case's own (an unreachable proxy).
	done := func(kind string, i, n int, id, progress string, start time.Time, err error) error {
		res.End = time.Now().UTC().Format(time.RFC3339)
		res.recordLoad()
		fmt.Fprintf(o.Log, "%s %d/%d %s: %s [%s, load %s]\n", kind, i+1, n, id, progress, time.Since(start).Round(time.Second), lastLoad(res.Load))
		if o.Save != nil {
			if serr := o.Save(res); serr != nil && err == nil {
				err = serr
			}
		}
		return err
	}
	for i, c := range races {
		if !selected(c.ID) {
			continue
		}
		start := time.Now()
		r, err := runRaceCase(h, c)
		res.Races = append(res.Races, r)
		if err := done("race", i, len(races), c.ID, r.progress(), start, err); err != nil {
			return res, err
		}
	}
	for i, c := range compat {
		if !selected(c.ID) {
			continue
		}
		start := time.Now()
		r, err := runCompatCase(h, c)
		res.Compat = append(res.Compat, r)
		if err := done("compat", i, len(compat), c.ID, r.progress(), start, err); err != nil {
			return res, err
		}
	}
	return res, nil
}

// recordLoad appends the 1-minute load average, where the system says it.
func (res *Results) recordLoad() {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return
	}
	if l, err := strconv.ParseFloat(f[0], 64); err == nil {
		res.Load = append(res.Load, l)
	}
}

func lastLoad(load []float64) string {
	if len(load) == 0 {
		return "?"
	}
	return strconv.FormatFloat(load[len(load)-1], 'f', 2, 64)
}

// harness holds what every case's runs share.
type harness struct {
	tools   map[string]tool
	n       int
	timeout time.Duration
	tmp     string
	cold    bool
	procs   []int
}

// buildTimeout bounds a tool's first go test in a module copy, which
// compiles (gocsan's instrumentation of a large module takes minutes on a
// loaded machine).
func (h *harness) buildTimeout() time.Duration { return 4 * h.timeout }

// setup downloads module@version, copies it to a fresh directory and
// checks that the packages' tests build plain. failure says why the case
// cannot run; err is only an unreachable proxy.
func (h *harness) setup(id, module, version string, testflags, pkgs []string) (work, failure string, err error) {
	dir, err := download(module, version)
	if err != nil {
		if errors.Is(err, errProxy) {
			return "", "download failed: " + err.Error(), err
		}
		return "", "download failed: " + err.Error(), nil
	}
	work, err = prepare(dir, h.tmp, id)
	if err != nil {
		return "", "copy failed: " + err.Error(), nil
	}
	r := goTest(h.tools["plain"], work, nil, h.buildTimeout(), testArgs("^$", testflags, pkgs)...)
	switch {
	case r.timedOut:
		return "", "plain build timed out", nil
	case r.buildFailed() || r.exit != 0:
		return "", "does not build plain: " + failureLines(r), nil
	}
	return work, "", nil
}

// build runs tr's tool once with -run=^$ in work so the measured runs do
// not include compiling, records the time and gocsan's warnings about the
// recorded sites, and returns why the tool cannot run, or "".
func (h *harness) build(tr *ToolResult, work string, testflags, pkgs []string, accs []Access) string {
	r := goTest(h.tools[tr.Tool], work, nil, h.buildTimeout(), testArgs("^$", testflags, pkgs)...)
	tr.BuildSec = r.wall.Seconds()
	tr.Unsited = unsited(r.out, accs)
	return buildFailure(r)
}

// buildFailure says why a tool's first run shows it cannot run the tests
// at all, or "" when it built.
func buildFailure(r result) string {
	switch {
	case r.timedOut:
		return "build timed out after " + r.wall.Round(time.Second).String()
	case r.buildFailed():
		return "build failed: " + failureLines(r)
	case r.exit != 0 && len(failedTests(r.out)) == 0 && !strings.Contains(r.out, "\nok ") && !strings.HasPrefix(r.out, "ok "):
		// Nothing ran and nothing built: gocsan's own error, a vet
		// failure, or a TestMain that failed.
		return fmt.Sprintf("exit status %d: %s", r.exit, failureLines(r))
	}
	return ""
}

func machine() string {
	host, _ := os.Hostname()
	cpu := "?"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	return host + ", " + runtime.GOOS + "/" + runtime.GOARCH + ", " + strconv.Itoa(runtime.NumCPU()) + " CPUs, " + cpu
}
