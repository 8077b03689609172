package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/testjson"
)

// Options label the output.
type Options struct {
	// GoVersion, if set, becomes the go.version property of each suite.
	GoVersion string
}

// The XML types follow gotestsum's internal/junitxml.
type testSuites struct {
	XMLName  xml.Name    `xml:"testsuites"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Time     string      `xml:"time,attr"`
	Suites   []testSuite `xml:"testsuite"`
}

type testSuite struct {
	Tests      int         `xml:"tests,attr"`
	Failures   int         `xml:"failures,attr"`
	Errors     int         `xml:"errors,attr"`
	Skipped    int         `xml:"skipped,attr"`
	Time       string      `xml:"time,attr"`
	Name       string      `xml:"name,attr"`
	Timestamp  string      `xml:"timestamp,attr,omitempty"`
	Properties *properties `xml:"properties,omitempty"`
	Cases      []testCase  `xml:"testcase"`
}

type properties struct {
	Props []property `xml:"property"`
}

type property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type testCase struct {
	Classname string   `xml:"classname,attr"`
	Name      string   `xml:"name,attr"`
	Time      string   `xml:"time,attr"`
	Failure   *failure `xml:"failure,omitempty"`
	Skipped   *skipped `xml:"skipped,omitempty"`
	SystemOut string   `xml:"system-out,omitempty"`
}

type failure struct {
	Message  string `xml:"message,attr"`
	Type     string `xml:"type,attr"`
	Contents string `xml:",chardata"`
}

type skipped struct {
	Message string `xml:"message,attr"`
}

// test is what the events say about one test.
type test struct {
	name    string
	action  string // pass, fail, skip, or "" if it never ended
	elapsed float64
	output  strings.Builder
	races   []*report.Report
}

type pkg struct {
	name    string
	action  string
	elapsed float64
	start   time.Time
	output  strings.Builder // output outside any test
	tests   []*test
	byName  map[string]*test
	races   []*report.Report // not attributable to a test
}

func (p *pkg) test(name string) *test {
	t := p.byName[name]
	if t == nil {
		t = &test{name: name}
		p.byName[name] = t
		p.tests = append(p.tests, t)
	}
	return t
}

// Write writes the JUnit XML for a run: events are its go test -json
// events (may be empty, for reports converted without them), reports
// the deduplicated reports.
func Write(w io.Writer, events []testjson.Event, reports []*report.Report, opt Options) error {
	var pkgs []*pkg
	byName := map[string]*pkg{}
	get := func(name string) *pkg {
		p := byName[name]
		if p == nil {
			p = &pkg{name: name, byName: map[string]*test{}}
			byName[name] = p
			pkgs = append(pkgs, p)
		}
		return p
	}
	for _, e := range events {
		if e.Package == "" {
			continue // build events; their failure shows as the package's fail
		}
		p := get(e.Package)
		if p.start.IsZero() && !e.Time.IsZero() {
			p.start = e.Time
		}
		if e.Test == "" {
			switch e.Action {
			case "output":
				p.output.WriteString(e.Output)
			case "pass", "fail", "skip":
				p.action, p.elapsed = e.Action, e.Elapsed
			}
			continue
		}
		t := p.test(e.Test)
		if e.Action == "run" && t.action != "" {
			// Run again (go test -count=N): a testcase per run, as
			// gotestsum writes.
			t = &test{name: e.Test}
			p.byName[e.Test] = t
			p.tests = append(p.tests, t)
		}
		switch e.Action {
		case "output":
			t.output.WriteString(e.Output)
		case "pass", "fail", "skip":
			t.action, t.elapsed = e.Action, e.Elapsed
		}
	}
	for _, r := range reports {
		pk, tn := testjson.Attribute(r)
		if pk == "" {
			pk = "unknown"
		}
		p := get(pk)
		if tn == "" {
			p.races = append(p.races, r)
			continue
		}
		t := p.test(tn)
		t.races = append(t.races, r)
	}

	// Packages whose failure races do not explain; a package failed by
	// races alone (all of them left out by a baseline) has no failure
	// of its own to show.
	unexplained := map[string]bool{}
	failures, _ := testjson.Unexplained(events)
	for _, f := range failures {
		if f.Test == "" {
			unexplained[f.Package] = true
		}
	}
	var out testSuites
	var total float64
	for _, p := range pkgs {
		s := testSuite{Name: p.name, Time: seconds(p.elapsed)}
		if !p.start.IsZero() {
			s.Timestamp = p.start.UTC().Format(time.RFC3339)
		}
		if opt.GoVersion != "" {
			s.Properties = &properties{[]property{{"go.version", opt.GoVersion}}}
		}
		anyFailed := false
		for _, t := range p.tests {
			c := testCase{Classname: p.name, Name: t.name, Time: seconds(t.elapsed)}
			switch {
			case len(t.races) > 0:
				c.Failure = &failure{Message: raceMessage(t.races), Type: "DataRace", Contents: t.output.String() + raceText(t.races)}
			case t.action == "fail" && onlyBlamedForRace(t, p):
				// The test binary failed this test only because a race
				// was reported while it ran; the race's stack belongs to
				// another test, which fails instead.
				c.SystemOut = t.output.String() + "gocsan: the race reported while this test ran was attributed by its stacks to another test\n"
			case t.action == "fail":
				c.Failure = &failure{Message: "Failed", Contents: t.output.String()}
			case t.action == "skip":
				c.Skipped = &skipped{Message: strings.TrimSpace(t.output.String())}
			}
			if c.Failure != nil {
				anyFailed = true
				s.Failures++
			}
			if c.Skipped != nil {
				s.Skipped++
			}
			s.Cases = append(s.Cases, c)
		}
		// gotestsum's synthetic TestMain: a package failure no test
		// explains (TestMain, init, a panic or race after the last test,
		// a build failure), and here also every race no test is blamed for.
		// A package failed only by races that are all left out (by a
		// baseline) passes.
		if len(p.races) > 0 || (p.action == "fail" && !anyFailed && unexplained[p.name]) {
			f := &failure{Message: "Failed", Contents: p.output.String()}
			if len(p.races) > 0 {
				f.Message, f.Type = raceMessage(p.races), "DataRace"
				f.Contents += raceText(p.races)
			}
			s.Cases = append(s.Cases, testCase{Name: "TestMain", Time: seconds(0), Failure: f})
			s.Failures++
		}
		s.Tests = len(s.Cases)
		out.Tests += s.Tests
		out.Failures += s.Failures
		total += p.elapsed
		out.Suites = append(out.Suites, s)
	}
	sort.SliceStable(out.Suites, func(i, j int) bool { return out.Suites[i].Name < out.Suites[j].Name })
	out.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "\t")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// RaceMessage is what a test binary built by gocsan test (like go test
// -race) prints for a test during which a race was reported.
const RaceMessage = testjson.RaceMessage

// onlyBlamedForRace reports whether t failed for no reason but the test
// binary's positional race check: its own output is that message and
// the run/fail lines, none of its subtests failed, and no race is
// attributed to it.
func onlyBlamedForRace(t *test, p *pkg) bool {
	// A race no stack ties to a test (both goroutines started by helpers)
	// may well be this test's: keep the binary's verdict then.
	if len(t.races) > 0 || len(p.races) > 0 {
		return false
	}
	sawRace := false
	for _, line := range strings.Split(strings.TrimSuffix(t.output.String(), "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasSuffix(trimmed, ": "+RaceMessage):
			sawRace = true
		case trimmed == "", strings.HasPrefix(trimmed, "=== "), strings.HasPrefix(trimmed, "--- FAIL: "+t.name+" "):
		default:
			return false
		}
	}
	if !sawRace {
		return false
	}
	for _, sub := range p.tests {
		if strings.HasPrefix(sub.name, t.name+"/") && sub.action == "fail" {
			return false
		}
	}
	return true
}

func seconds(s float64) string { return fmt.Sprintf("%.6f", s) }

func raceMessage(rs []*report.Report) string {
	if len(rs) == 1 {
		return rs[0].Title
	}
	return fmt.Sprintf("%d data races, first: %s", len(rs), rs[0].Title)
}

func raceText(rs []*report.Report) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(report.Text(r))
	}
	return b.String()
}
