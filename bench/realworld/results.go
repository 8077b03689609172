package realworld

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/gocsan/gocsan/internal/gobuild"
)

// Results is one run of the harness, as written to the -o JSON file, or
// several runs' combined (Combine), whose Sources say which case came
// from which run.
type Results struct {
	RunInfo
	Sources []Source        `json:"sources,omitempty"`
	Races   []*RaceResult   `json:"races,omitempty"`
	Compat  []*CompatResult `json:"compat,omitempty"`
}

// RunInfo says where, when and how a run of the harness measured.
type RunInfo struct {
	Date string `json:"date"` // start, RFC 3339 UTC
	// End is when the last case completed (the file is rewritten after
	// each case, so a run stopped early keeps what it measured).
	End     string `json:"end,omitempty"`
	Machine string `json:"machine"`
	// Load is the 1-minute load average at the start and after each
	// case (the machine may be shared).
	Load       []float64         `json:"load,omitempty"`
	Go         string            `json:"go"`
	Commit     string            `json:"commit,omitempty"` // gocsan's git commit, "+dirty" when the tree had changes
	Command    string            `json:"command"`
	Runs       int               `json:"runs"`
	GOMAXPROCS []int             `json:"gomaxprocs,omitempty"`
	Profiles   map[string]string `json:"profiles"` // profile name -> GOCSAN
}

func profiles() map[string]string {
	m := map[string]string{}
	for _, p := range gobuild.Profiles {
		m[p.Name] = p.Options
	}
	return m
}

// WriteJSON writes res to path, indented, so results can be committed.
func WriteJSON(path string, res *Results) error {
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o666)
}

// ReadJSON reads a results file written by WriteJSON.
func ReadJSON(path string) (*Results, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var res Results
	if err := decodeStrict(data, &res); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &res, nil
}

// ClassSummary is one line of the race summary: the cases of a class (or
// all cases), and per tool the cases found at least once and the runs
// that found them.
type ClassSummary struct {
	Class string
	Cases int
	Tools []ToolSummary
}

// ToolSummary counts one tool over a set of cases.
type ToolSummary struct {
	Tool       string
	CasesFound int // cases with at least one run at a recorded location
	Runs       int
	RunsFound  int
	Failed     int // cases the tool could not run (build failure, timeout)
}

func (t ToolSummary) String() string {
	s := fmt.Sprintf("%d cases, %d/%d runs", t.CasesFound, t.RunsFound, t.Runs)
	if t.Failed > 0 {
		s += fmt.Sprintf(", %d not run", t.Failed)
	}
	return s
}

// Summarize counts the race results per class, then overall (class
// "all"). A case that could not be downloaded or built plain counts in
// Cases and in every tool's Failed.
func Summarize(races []*RaceResult) []ClassSummary {
	byClass := map[string][]*RaceResult{}
	for _, r := range races {
		for _, c := range r.Classes {
			byClass[c] = append(byClass[c], r)
		}
	}
	names := make([]string, 0, len(byClass))
	for c := range byClass {
		names = append(names, c)
	}
	sort.Strings(names)
	var out []ClassSummary
	for _, c := range names {
		out = append(out, summarize(c, byClass[c]))
	}
	return append(out, summarize("all", races))
}

func summarize(class string, rs []*RaceResult) ClassSummary {
	s := ClassSummary{Class: class, Cases: len(rs)}
	for _, name := range RaceTools {
		ts := ToolSummary{Tool: name}
		for _, r := range rs {
			t := r.Tool(name)
			if r.Failure != "" || t == nil || t.Failure != "" {
				ts.Failed++
				continue
			}
			ts.Runs += t.Runs
			ts.RunsFound += t.Found
			if t.Found > 0 {
				ts.CasesFound++
			}
		}
		s.Tools = append(s.Tools, ts)
	}
	return s
}

// table is rows of cells with a header, printed as aligned text or as a
// Markdown table.
type table struct {
	header []string
	rows   [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) text(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.header, "\t"))
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}

func (t *table) markdown(w io.Writer) {
	esc := func(cells []string) string {
		out := make([]string, len(cells))
		for i, c := range cells {
			out[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		return "| " + strings.Join(out, " | ") + " |"
	}
	fmt.Fprintln(w, esc(t.header))
	sep := make([]string, len(t.header))
	for i := range sep {
		sep[i] = "---"
	}
	fmt.Fprintln(w, "|"+strings.Join(sep, "|")+"|")
	for _, r := range t.rows {
		fmt.Fprintln(w, esc(r))
	}
}

// raceCell is "found/runs mean-wall", or why the tool did not run.
func raceCell(r *RaceResult, name string) string {
	if r.Failure != "" {
		return "-"
	}
	t := r.Tool(name)
	if t == nil {
		return "-"
	}
	if t.Failure != "" {
		return "not run"
	}
	s := fmt.Sprintf("%d/%d %.1fs", t.Found, t.Runs, t.MeanWall())
	if t.Timeouts > 0 {
		s += fmt.Sprintf(" (%d timeouts)", t.Timeouts)
	}
	return s
}

func raceTable(res *Results) *table {
	t := &table{header: append([]string{"case", "classes"}, RaceTools...)}
	for _, r := range res.Races {
		cells := []string{r.ID, strings.Join(r.Classes, ",")}
		for _, name := range RaceTools {
			cells = append(cells, raceCell(r, name))
		}
		t.add(cells...)
	}
	return t
}

func summaryTable(res *Results) *table {
	t := &table{header: append([]string{"class", "cases"}, RaceTools...)}
	for _, s := range Summarize(res.Races) {
		cells := []string{s.Class, fmt.Sprint(s.Cases)}
		for _, ts := range s.Tools {
			cells = append(cells, ts.String())
		}
		t.add(cells...)
	}
	return t
}

func compatTable(res *Results) *table {
	t := &table{header: append([]string{"module", "version", "GOMAXPROCS"}, CompatTools...)}
	t.header = append(t.header, "first run (build) ratio to plain: race/default/ci")
	for _, r := range res.Compat {
		if r.Failure != "" {
			t.add(r.ID, r.Version, "-", firstLine(r.Failure), "", "", "", "")
			continue
		}
		for i, cp := range r.Procs {
			plain := cp.Tool("plain")
			cells := []string{r.ID, r.Version, fmt.Sprint(cp.GOMAXPROCS)}
			for _, tr := range cp.Tools {
				cells = append(cells, compatCell(tr, plain))
			}
			first := ""
			if i == 0 && plain.Failure == "" && plain.BuildSec > 0 {
				var ratios []string
				for _, name := range CompatTools[1:] {
					tr := cp.Tool(name)
					if tr.Failure != "" {
						ratios = append(ratios, "-")
						continue
					}
					ratios = append(ratios, fmt.Sprintf("%.2fx", tr.BuildSec/plain.BuildSec))
				}
				first = fmt.Sprintf("%.1fs plain; ", plain.BuildSec) + strings.Join(ratios, "/")
			}
			cells = append(cells, first)
			t.add(cells...)
		}
	}
	return t
}

// compatSummary counts, per tool, the modules whose runs all passed, and
// the geometric mean of the warm wall time ratio to plain.
func compatSummary(res *Results) *table {
	t := &table{header: []string{"tool", "GOMAXPROCS", "modules passing", "modules failing", "not run", "with reports", "geomean wall ratio to plain", "geomean ratio to race"}}
	for _, p := range compatProcs(res.Compat) {
		for _, name := range CompatTools {
			pass, fail, notRun, reported := 0, 0, 0, 0
			var toPlain, toRace []float64
			for _, r := range res.Compat {
				cp := r.procs(p)
				if r.Failure != "" || cp == nil {
					notRun++
					continue
				}
				tr, plain, race := cp.Tool(name), cp.Tool("plain"), cp.Tool("race")
				switch {
				case tr.Failure != "":
					notRun++
					continue
				case tr.Passed == tr.Runs:
					pass++
				default:
					fail++
				}
				if tr.Reports > 0 {
					reported++
				}
				if plain.Failure == "" && plain.MeanWall() > 0 {
					toPlain = append(toPlain, tr.MeanWall()/plain.MeanWall())
				}
				if race.Failure == "" && race.MeanWall() > 0 {
					toRace = append(toRace, tr.MeanWall()/race.MeanWall())
				}
			}
			t.add(name, fmt.Sprint(p), fmt.Sprint(pass), fmt.Sprint(fail), fmt.Sprint(notRun), fmt.Sprint(reported), geomean(toPlain), geomean(toRace))
		}
	}
	return t
}

// compatProcs lists the GOMAXPROCS values the modules were run at, in
// the order first seen (results combined from several runs may differ).
func compatProcs(rs []*CompatResult) []int {
	var ps []int
	for _, r := range rs {
		for _, cp := range r.Procs {
			if !slices.Contains(ps, cp.GOMAXPROCS) {
				ps = append(ps, cp.GOMAXPROCS)
			}
		}
	}
	return ps
}

// procs returns the runs at GOMAXPROCS p, or nil.
func (r *CompatResult) procs(p int) *CompatProcs {
	for i := range r.Procs {
		if r.Procs[i].GOMAXPROCS == p {
			return &r.Procs[i]
		}
	}
	return nil
}

func geomean(xs []float64) string {
	if len(xs) == 0 {
		return "-"
	}
	sum := 0.0
	for _, x := range xs {
		sum += math.Log(x)
	}
	return fmt.Sprintf("%.2fx (%d)", math.Exp(sum/float64(len(xs))), len(xs))
}

// triage lists, per case and tool, what the tables do not show: reports
// not at a recorded location, sites gocsan did not instrument, failures.
func triage(res *Results) []string {
	var lines []string
	item := func(id, tool, what string, items []string) {
		for _, it := range items {
			lines = append(lines, fmt.Sprintf("%s %s %s: %s", id, tool, what, strings.ReplaceAll(it, "\n", " | ")))
		}
	}
	for _, r := range res.Races {
		if r.Failure != "" {
			item(r.ID, "-", "not run", []string{r.Failure})
			continue
		}
		for _, t := range r.Tools {
			if t.Failure != "" {
				item(r.ID, t.Tool, "not run", []string{t.Failure})
			}
			item(r.ID, t.Tool, "report elsewhere", t.Elsewhere)
			item(r.ID, t.Tool, "not instrumented", t.Unsited)
		}
	}
	for _, r := range res.Compat {
		if r.Failure != "" {
			item(r.ID, "-", "not run", []string{r.Failure})
			continue
		}
		for _, cp := range r.Procs {
			for _, t := range cp.Tools {
				id := fmt.Sprintf("%s P=%d", r.ID, cp.GOMAXPROCS)
				if t.Failure != "" {
					item(id, t.Tool, "not run", []string{t.Failure})
					continue
				}
				item(id, t.Tool, "report", t.Elsewhere)
				if t.Passed < t.Runs {
					item(id, t.Tool, "failed", []string{t.FirstError})
				}
			}
		}
	}
	return lines
}

// sources is what the header describes: the combined runs, or the one
// run res is.
func (res *Results) sources() []Source { return res.sourceList("") }

func (s Source) fileName() string {
	if s.File == "" {
		return "(results not saved)"
	}
	return s.File
}

// WriteText prints the tables and the triage list as aligned text.
func WriteText(w io.Writer, res *Results) {
	fmt.Fprintln(w, "gocsan real-world corpus")
	srcs := res.sources()
	for _, s := range srcs {
		fmt.Fprintf(w, "%s: %s\n  command: %s\n", s.fileName(), s.describe(), s.Command)
	}
	fmt.Fprintln(w, "profiles: "+strings.Join(profileText(srcs), "\n  "))
	if len(res.Races) > 0 {
		fmt.Fprintln(w, "\nraces (runs with a report at a recorded access / runs, mean wall per run):")
		raceTable(res).text(w)
		fmt.Fprintln(w, "\nraces by class (cases found at least once; runs found / runs):")
		summaryTable(res).text(w)
	}
	if len(res.Compat) > 0 {
		fmt.Fprintln(w, "\ncompat (warm run: pass, wall, ratio to plain, reports):")
		compatTable(res).text(w)
		fmt.Fprintln(w)
		compatSummary(res).text(w)
	}
	if tr := triage(res); len(tr) > 0 {
		fmt.Fprintln(w, "\ntriage:")
		for _, l := range tr {
			fmt.Fprintln(w, "  "+l)
		}
	}
}

// WriteMarkdown prints the same as WriteText as Markdown.
func WriteMarkdown(w io.Writer, res *Results) {
	srcs := res.sources()
	fmt.Fprintln(w, "Measured by these runs (a case measured by several is taken from the last):")
	fmt.Fprintln(w)
	for _, s := range srcs {
		fmt.Fprintf(w, "- `%s`: %s. Command: `%s`\n", s.fileName(), s.describe(), s.Command)
	}
	fmt.Fprintln(w, "\nProfiles: "+strings.Join(profileText(srcs), ". ")+".")
	if len(res.Races) > 0 {
		fmt.Fprintln(w, "\n### Races\n\nRuns with a report at a recorded access / runs, and the mean wall time of a run.")
		fmt.Fprintln(w)
		raceTable(res).markdown(w)
		fmt.Fprintln(w, "\nBy class (a case has one or more classes): cases found at least once, and runs found / runs.")
		fmt.Fprintln(w)
		summaryTable(res).markdown(w)
	}
	if len(res.Compat) > 0 {
		fmt.Fprintln(w, "\n### Compat\n\nWarm run per GOMAXPROCS: pass, wall time, ratio to plain, reports; and the first run (which builds the module copy) as a ratio to plain's.")
		fmt.Fprintln(w)
		compatTable(res).markdown(w)
		fmt.Fprintln(w)
		compatSummary(res).markdown(w)
	}
	if tr := triage(res); len(tr) > 0 {
		fmt.Fprintln(w, "\n### Triage\n\nReports not at a recorded access, recorded sites gocsan did not instrument, failures.")
		fmt.Fprintln(w)
		for _, l := range tr {
			fmt.Fprintln(w, "- "+strings.ReplaceAll(l, "`", "'"))
		}
	}
}

// Markers delimit the generated part of docs/realworld.md.
const (
	beginMarker = "<!-- realworld results: begin (generated by go run ./bench -realworld -md; do not edit) -->"
	endMarker   = "<!-- realworld results: end -->"
)

// UpdateMarkdown replaces the text between the markers in the file at
// path with WriteMarkdown's output.
func UpdateMarkdown(path string, res *Results) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := replaceGenerated(data, res)
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return os.WriteFile(path, out, 0o666)
}

func replaceGenerated(doc []byte, res *Results) ([]byte, error) {
	b := bytes.Index(doc, []byte(beginMarker))
	e := bytes.Index(doc, []byte(endMarker))
	if b < 0 || e < b {
		return nil, errors.New("no " + beginMarker + " ... " + endMarker + " section")
	}
	var gen bytes.Buffer
	gen.Write(doc[:b+len(beginMarker)])
	gen.WriteString("\n\n")
	WriteMarkdown(&gen, res)
	gen.WriteString("\n")
	gen.Write(doc[e:])
	return gen.Bytes(), nil
}
