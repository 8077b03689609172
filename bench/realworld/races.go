package realworld

import (
	"fmt"
	"strings"
)

// ToolResult is what the runs of one tool gave on one race case, or on
// one compat module at one GOMAXPROCS.
type ToolResult struct {
	Tool    string `json:"tool"`
	Failure string `json:"failure,omitempty"` // why no runs were made (build failure, timeout)
	// BuildSec is the wall time of the tool's first go test in the fresh
	// module copy, which compiles the module's packages (races: with
	// -run=^$, compat: the whole test run).
	BuildSec float64   `json:"build_sec,omitempty"`
	Runs     int       `json:"runs"`
	Found    int       `json:"found"` // races: runs with a report at a recorded location
	Passed   int       `json:"passed"`
	Timeouts int       `json:"timeouts"`
	Reports  int       `json:"reports"`  // reports in all runs
	WallSec  []float64 `json:"wall_sec"` // measured runs (compat: warm runs only)
	// Elsewhere lists, as "summary (xN)", the reports not at a recorded
	// location (races) or every report (compat), for triage.
	Elsewhere []string `json:"elsewhere,omitempty"`
	Failing   []string `json:"failing,omitempty"` // distinct "--- FAIL:" tests
	// FirstError is the first lines that explain a failed run.
	FirstError string `json:"first_error,omitempty"`
	// Unsited lists gocsan's warnings that a recorded access site (or
	// the package of a recorded function) was not instrumented.
	Unsited []string `json:"unsited,omitempty"`

	elsewhere tally
}

func newToolResult(name string) *ToolResult { return &ToolResult{Tool: name, elsewhere: tally{}} }

// add counts one run. accs are the case's recorded accesses; nil for a
// compat module, where every report is listed.
func (t *ToolResult) add(r result, reports []Report, accs []Access, timed bool) {
	t.Runs++
	if timed {
		t.WallSec = append(t.WallSec, r.wall.Seconds())
	}
	if r.timedOut {
		t.Timeouts++
	}
	if r.passed() {
		t.Passed++
	} else if t.FirstError == "" {
		t.FirstError = failureLines(r)
	}
	t.Reports += len(reports)
	s := score(reports, accs)
	if s.Found {
		t.Found++
	}
	t.elsewhere.add(s.Elsewhere)
	t.Elsewhere = t.elsewhere.sorted()
	for _, name := range failedTests(r.out) {
		if !contains(t.Failing, name) {
			t.Failing = append(t.Failing, name)
		}
	}
	for _, w := range unsited(r.out, accs) {
		if !contains(t.Unsited, w) {
			t.Unsited = append(t.Unsited, w)
		}
	}
}

// MeanWall is the mean of the measured runs' wall times, in seconds.
func (t *ToolResult) MeanWall() float64 {
	if len(t.WallSec) == 0 {
		return 0
	}
	sum := 0.0
	for _, w := range t.WallSec {
		sum += w
	}
	return sum / float64(len(t.WallSec))
}

// failedTests lists the tests go test says failed.
func failedTests(out string) []string {
	var names []string
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "--- FAIL: "); ok {
			if f := strings.Fields(rest); len(f) > 0 && !contains(names, f[0]) {
				names = append(names, f[0])
			}
		}
	}
	return names
}

// failureLines picks the lines of a failed run that say why: a timeout,
// the first failing test's output or panic, else a build error. A
// "# pkg" header counts only when no test failed: gocsan prints one
// above the build warnings of every package it instruments.
func failureLines(r result) string {
	if r.timedOut {
		return "timed out; last lines:\n" + lastLines(r.out, 5)
	}
	// gocsan's build warnings would fill the lines kept before a
	// compile error: leave them out.
	var lines []string
	for _, l := range strings.Split(r.out, "\n") {
		if !strings.HasPrefix(l, "gocsan: warning: ") {
			lines = append(lines, l)
		}
	}
	from := func(match func(string) bool) (string, bool) {
		for i, l := range lines {
			if match(strings.TrimSpace(l)) {
				return strings.Join(lines[i:min(i+6, len(lines))], "\n"), true
			}
		}
		return "", false
	}
	if s, ok := from(func(t string) bool {
		return strings.HasPrefix(t, "--- FAIL: ") || strings.HasPrefix(t, "panic: ") || strings.HasPrefix(t, "gocsan: error")
	}); ok {
		return s
	}
	if s, ok := from(func(t string) bool { return strings.Contains(t, "[build failed]") || strings.HasPrefix(t, "# ") }); ok {
		return s
	}
	return lastLines(r.out, 6)
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// RaceResult is one race case measured under every tool.
type RaceResult struct {
	ID      string        `json:"id"`
	Module  string        `json:"module"`
	Version string        `json:"version"`
	Classes []string      `json:"classes"`
	Failure string        `json:"failure,omitempty"` // download or plain build failure: no tool ran
	Tools   []*ToolResult `json:"tools"`
}

// Tool returns the result of the named tool, or nil.
func (r *RaceResult) Tool(name string) *ToolResult { return findTool(r.Tools, name) }

func findTool(ts []*ToolResult, name string) *ToolResult {
	for _, t := range ts {
		if t.Tool == name {
			return t
		}
	}
	return nil
}

// RaceTools are the configurations a race case runs under.
var RaceTools = []string{"race", "default", "ci"}

// runRaceCase downloads the case's racy version, checks that it builds
// plain, and runs it n times under each tool, in turns (race, default,
// ci, race, ...) so a change in the machine's load hits all alike. Only
// an unreachable proxy is returned as an error; every other failure is
// the case's result.
func runRaceCase(h *harness, c RaceCase) (*RaceResult, error) {
	res := &RaceResult{ID: c.ID, Module: c.Module, Version: c.Racy, Classes: c.Classes}
	pkgs := []string{c.Package}
	work, failure, err := h.setup(c.ID, c.Module, c.Racy, c.Testflags, pkgs)
	if err != nil || failure != "" {
		res.Failure = failure
		return res, err
	}
	var live []*ToolResult
	for _, name := range RaceTools {
		tr := newToolResult(name)
		res.Tools = append(res.Tools, tr)
		if tr.Failure = h.build(tr, work, c.Testflags, pkgs, c.Accesses); tr.Failure == "" {
			live = append(live, tr)
		}
	}
	for i := 0; i < h.n; i++ {
		for _, tr := range live {
			t := h.tools[tr.Tool]
			r := goTest(t, work, nil, h.timeout, testArgs(c.Run, c.Testflags, pkgs)...)
			tr.add(r, t.parse(r.out), c.Accesses, true)
		}
	}
	return res, nil
}

// progress is the one line printed per race case as it completes.
func (r *RaceResult) progress() string {
	if r.Failure != "" {
		return r.Failure
	}
	var parts []string
	for _, t := range r.Tools {
		if t.Failure != "" {
			parts = append(parts, t.Tool+" "+firstLine(t.Failure))
			continue
		}
		s := fmt.Sprintf("%s %d/%d (%.1fs)", t.Tool, t.Found, t.Runs, t.MeanWall())
		if t.Timeouts > 0 {
			s += fmt.Sprintf(" %d timeout(s)", t.Timeouts)
		}
		if n := len(t.Elsewhere); n > 0 {
			s += fmt.Sprintf(" +%d elsewhere", n)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
