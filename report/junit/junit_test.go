package junit

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/testjson"
)

type parsed struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Props    []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Classname string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct{} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func ev(action, pkg, test, output string, elapsed float64) testjson.Event {
	return testjson.Event{Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Action: action, Package: pkg, Test: test, Output: output, Elapsed: elapsed}
}

func race(pkg, fn string, test string) *report.Report {
	stack := []report.Frame{{Function: pkg + "." + fn, File: "/src/x.go", Line: 3}}
	if test != "" {
		stack = append(stack, report.Frame{Function: pkg + "." + test}, report.Frame{Function: "testing.tRunner"})
	}
	r := &report.Report{Kind: report.KindDataRace, Package: pkg, Accesses: []report.Access{
		{Op: report.OpWrite, CPU: -1, Stack: []report.Frame{{Function: pkg + ".w" + fn, File: "/src/w.go", Line: 1}}},
		{Op: report.OpRead, CPU: -1, Stack: stack},
	}}
	r.Title = report.MakeTitle(r)
	return r
}

func TestTestsAndRaces(t *testing.T) {
	const a, b = "example.com/a", "example.com/b"
	events := []testjson.Event{
		ev("start", a, "", "", 0),
		ev("run", a, "TestPass", "", 0),
		ev("output", a, "TestPass", "=== RUN   TestPass\n", 0),
		ev("pass", a, "TestPass", "", 0.5),
		ev("run", a, "TestFail", "", 0),
		ev("output", a, "TestFail", "    a_test.go:9: boom\n", 0),
		ev("fail", a, "TestFail", "", 0.25),
		ev("run", a, "TestSkip", "", 0),
		ev("output", a, "TestSkip", "    a_test.go:12: not today\n", 0),
		ev("skip", a, "TestSkip", "", 0),
		ev("run", a, "TestTable/one", "", 0),
		ev("pass", a, "TestTable/one", "", 0),
		ev("pass", a, "TestTable", "", 0),
		ev("output", a, "", "FAIL\n", 0),
		ev("fail", a, "", "", 1.5),
		ev("start", b, "", "", 0),
		ev("output", b, "", "panic: in init\n", 0),
		ev("fail", b, "", "", 0.1),
		{Action: "build-output", ImportPath: "example.com/c", Output: "c.go:1: syntax error\n"},
	}
	reports := []*report.Report{
		race(a, "one", "TestPass"),  // a test that passed: now fails with the race
		race(a, "two", "TestTable"), // a subtest's race goes to its top-level test
		race(a, "three", ""),        // nobody to blame: TestMain
	}
	var buf bytes.Buffer
	if err := Write(&buf, events, reports, Options{GoVersion: "go1.26.8"}); err != nil {
		t.Fatal(err)
	}
	var got parsed
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if len(got.Suites) != 2 || got.Suites[0].Name != a || got.Suites[1].Name != b {
		t.Fatalf("suites %+v", got.Suites)
	}
	sa := got.Suites[0]
	cases := map[string]int{}
	for i, c := range sa.Cases {
		cases[c.Name] = i
	}
	check := func(name, typ string, contains ...string) {
		t.Helper()
		i, ok := cases[name]
		if !ok {
			t.Errorf("no testcase %s", name)
			return
		}
		c := sa.Cases[i]
		if typ == "pass" {
			if c.Failure != nil {
				t.Errorf("%s: unexpected failure %+v", name, c.Failure)
			}
			return
		}
		if c.Failure == nil || c.Failure.Type != typ {
			t.Errorf("%s: failure %+v, want type %q", name, c.Failure, typ)
			return
		}
		for _, s := range contains {
			if !strings.Contains(c.Failure.Text, s) {
				t.Errorf("%s: failure text lacks %q:\n%s", name, s, c.Failure.Text)
			}
		}
	}
	check("TestPass", "DataRace", "=== RUN   TestPass", "BUG: KCSAN: "+reports[0].Title)
	check("TestFail", "", "boom")
	check("TestTable", "DataRace", reports[1].Title)
	check("TestTable/one", "pass")
	check("TestMain", "DataRace", reports[2].Title, "FAIL\n")
	if c := sa.Cases[cases["TestSkip"]]; c.Skipped == nil {
		t.Error("TestSkip not skipped")
	}
	if c := sa.Cases[cases["TestMain"]]; c.Classname != "" {
		t.Errorf("TestMain classname %q, want empty as gotestsum writes it", c.Classname)
	}
	if c := sa.Cases[cases["TestPass"]]; c.Classname != a || c.Time != "0.500000" {
		t.Errorf("TestPass classname %q time %q", c.Classname, c.Time)
	}
	if sa.Tests != 6 || sa.Failures != 4 || sa.Skipped != 1 {
		t.Errorf("suite a: tests %d failures %d skipped %d", sa.Tests, sa.Failures, sa.Skipped)
	}
	if len(sa.Props) != 1 || sa.Props[0].Value != "go1.26.8" {
		t.Errorf("properties %+v", sa.Props)
	}
	// A package that failed with no test failing gets TestMain.
	sb := got.Suites[1]
	if len(sb.Cases) != 1 || sb.Cases[0].Name != "TestMain" || sb.Cases[0].Failure == nil || !strings.Contains(sb.Cases[0].Failure.Text, "panic: in init") {
		t.Errorf("suite b %+v", sb)
	}
	if got.Tests != 7 || got.Failures != 5 {
		t.Errorf("totals: %d tests, %d failures", got.Tests, got.Failures)
	}
}

func TestReportsWithoutEvents(t *testing.T) {
	var buf bytes.Buffer
	r := race("example.com/a", "x", "TestX")
	r.Accesses[1].Stack[0].Function += "\x1b[31m" // control characters must not break the XML
	if err := Write(&buf, nil, []*report.Report{r}, Options{}); err != nil {
		t.Fatal(err)
	}
	var got parsed
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if len(got.Suites) != 1 || len(got.Suites[0].Cases) != 1 || got.Suites[0].Cases[0].Name != "TestX" || got.Suites[0].Cases[0].Failure.Type != "DataRace" {
		t.Errorf("%+v", got)
	}
}

func TestRepeatedRuns(t *testing.T) {
	const a = "example.com/a"
	events := []testjson.Event{
		ev("run", a, "TestX", "", 0), ev("pass", a, "TestX", "", 0),
		ev("run", a, "TestX", "", 0), ev("output", a, "TestX", "flaked\n", 0), ev("fail", a, "TestX", "", 0),
		ev("fail", a, "", "", 0),
	}
	var buf bytes.Buffer
	if err := Write(&buf, events, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	var got parsed
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	cases := got.Suites[0].Cases
	if len(cases) != 2 || cases[0].Failure != nil || cases[1].Failure == nil || !strings.Contains(cases[1].Failure.Text, "flaked") {
		t.Errorf("-count=2 runs: %+v", cases)
	}
}

// TestPositionalBlameCorrected: the test binary failed TestLateWait
// because TestLateStart's goroutines raced while it ran; by stack the
// race is TestLateStart's, so TestLateWait passes and TestLateStart
// fails. A test with a failure of its own stays failed.
func TestPositionalBlameCorrected(t *testing.T) {
	const a = "example.com/a"
	blamed := func(name string) []testjson.Event {
		return []testjson.Event{
			ev("run", a, name, "", 0),
			ev("output", a, name, "=== RUN   "+name+"\n", 0),
			ev("output", a, name, "    _testmain.go:65: race detected during execution of test\n", 0),
			ev("output", a, name, "--- FAIL: "+name+" (0.01s)\n", 0),
			ev("fail", a, name, "", 0.01),
		}
	}
	events := []testjson.Event{ev("run", a, "TestLateStart", "", 0), ev("pass", a, "TestLateStart", "", 0)}
	events = append(events, blamed("TestLateWait")...)
	events = append(events, blamed("TestReal")...)
	events = append(events[:len(events)-1], ev("output", a, "TestReal", "    real_test.go:3: wrong answer\n", 0), events[len(events)-1])
	events = append(events, blamed("TestParent")...)
	events = append(events, ev("run", a, "TestParent/sub", "", 0), ev("fail", a, "TestParent/sub", "", 0), ev("fail", a, "", "", 0))
	var buf bytes.Buffer
	if err := Write(&buf, events, []*report.Report{race(a, "late", "TestLateStart")}, Options{}); err != nil {
		t.Fatal(err)
	}
	var got parsed
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	state := map[string]string{}
	for _, c := range got.Suites[0].Cases {
		state[c.Name] = "pass"
		if c.Failure != nil {
			state[c.Name] = "fail:" + c.Failure.Type
		}
	}
	want := map[string]string{"TestLateStart": "fail:DataRace", "TestLateWait": "pass", "TestReal": "fail:", "TestParent": "fail:", "TestParent/sub": "fail:"}
	for name, w := range want {
		if state[name] != w {
			t.Errorf("%s: %s, want %s (all %v)", name, state[name], w, state)
		}
	}
	if !strings.Contains(buf.String(), "<system-out>") {
		t.Error("the corrected test's output is lost")
	}
}

// A package whose tests failed only by races that are all left out (a
// baseline's) passes: no synthetic TestMain failure; one that failed for
// another reason still gets it.
func TestPackageFailedOnlyByLeftOutRaces(t *testing.T) {
	const a, b = "example.com/a", "example.com/b"
	events := []testjson.Event{
		ev("run", a, "TestX", "", 0),
		ev("output", a, "TestX", "=== RUN   TestX\n", 0),
		ev("output", a, "TestX", "    testing.go:1712: "+RaceMessage+"\n", 0),
		ev("output", a, "TestX", "--- FAIL: TestX (0.01s)\n", 0),
		ev("fail", a, "TestX", "", 0.01),
		ev("output", a, "", "FAIL\n", 0),
		ev("output", a, "", "FAIL\t"+a+"\t0.02s\n", 0),
		ev("fail", a, "", "", 0.02),
		ev("output", b, "", "panic: boom\n", 0),
		ev("output", b, "", "FAIL\t"+b+"\t0.02s\n", 0),
		ev("fail", b, "", "", 0.02),
	}
	var buf bytes.Buffer
	if err := Write(&buf, events, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	var got parsed
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	failures := map[string]int{}
	for _, s := range got.Suites {
		failures[s.Name] = s.Failures
	}
	if failures[a] != 0 || failures[b] != 1 {
		t.Errorf("failures per package %v, want %s 0 and %s 1 (its TestMain)\n%s", failures, a, b, buf.String())
	}
}
