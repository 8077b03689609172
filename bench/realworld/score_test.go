package realworld

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// The logrus case as recorded in corpus/races: the module's frames under
// bytes.Buffer's.
var logrusAccesses = []Access{
	{File: "writer_test.go", Line: 63, Func: "github.com/sirupsen/logrus_test.TestWriterSplitNewlines"},
	{File: "entry.go", Line: 294, Func: "github.com/sirupsen/logrus.(*Entry).write"},
}

func TestScoreRaceByLocation(t *testing.T) {
	reps := ParseRace(readTestdata(t, "race-logrus-writer.txt"))
	s := score(reps, logrusAccesses)
	if !s.Found || len(s.Elsewhere) != 0 {
		t.Errorf("score = %+v, want found and nothing elsewhere", s)
	}
	// A location that only a creation stack names does not count:
	// writer_test.go:50 starts the writer goroutine.
	creation := []Access{{File: "writer_test.go", Line: 50, Func: "github.com/sirupsen/logrus_test.TestWriterSplitNewlines"}}
	s = score(reps, creation)
	if s.Found {
		t.Error("a creation-stack frame counted as an access")
	}
	want := []string{
		"bytes.(*Buffer).String buffer.go:77 / bytes.(*Buffer).tryGrowByReslice buffer.go:135",
		"runtime.slicebytetostring string.go:139 / runtime.slicecopy slice.go:392",
	}
	if !reflect.DeepEqual(s.Elsewhere, want) {
		t.Errorf("elsewhere = %q, want %q", s.Elsewhere, want)
	}
	// Same file, neighbouring line: not the recorded location.
	if score(reps, []Access{{File: "writer_test.go", Line: 62, Func: "x.F"}}).Found {
		t.Error("writer_test.go:62 matched a report at writer_test.go:63")
	}
	// A file of the same base name in another directory counts: the
	// corpus records base names, as -race's locations are read.
	if !score(reps, []Access{{File: "buffer.go", Line: 77, Func: "bytes.(*Buffer).String"}}).Found {
		t.Error("buffer.go:77 (top frame) not found")
	}
}

func TestScoreGocsan(t *testing.T) {
	reps := ParseGocsan(readTestdata(t, "gocsan-racy-ci.txt"))
	field := []Access{{File: "field.go", Line: 24, Func: "example.com/racy.Field"}}
	s := score(reps, field)
	if !s.Found {
		t.Error("field.go:24 not found")
	}
	if want := []string{"example.com/racy.Append.func1 slice.go:15 / example.com/racy.Append slice.go:20"}; !reflect.DeepEqual(s.Elsewhere, want) {
		t.Errorf("elsewhere = %q, want %q", s.Elsewhere, want)
	}
	// slice.go:11 is where Append starts the goroutine: creation only.
	if score(reps, []Access{{File: "slice.go", Line: 11, Func: "example.com/racy.Append"}}).Found {
		t.Error("a goroutine creation site counted as an access")
	}
	// No reports: nothing found, nothing elsewhere.
	if s := score(nil, field); s.Found || s.Elsewhere != nil {
		t.Errorf("score of no reports = %+v", s)
	}
}

func TestToolResultAdd(t *testing.T) {
	race := readTestdata(t, "race-logrus-writer.txt")
	tr := newToolResult("race")
	tr.add(result{out: race, wall: 2 * time.Second, exit: 1}, ParseRace(race), logrusAccesses, true)
	tr.add(result{out: "ok  \tgithub.com/sirupsen/logrus\t0.5s\n", wall: 4 * time.Second}, nil, logrusAccesses, true)
	tr.add(result{out: "partial", wall: time.Minute, exit: -1, timedOut: true}, nil, logrusAccesses, true)
	if tr.Runs != 3 || tr.Found != 1 || tr.Passed != 1 || tr.Timeouts != 1 || tr.Reports != 2 {
		t.Errorf("counts = runs %d found %d passed %d timeouts %d reports %d, want 3 1 1 1 2", tr.Runs, tr.Found, tr.Passed, tr.Timeouts, tr.Reports)
	}
	if got := tr.MeanWall(); got != 22 {
		t.Errorf("mean wall = %v, want 22", got)
	}
	if !reflect.DeepEqual(tr.Failing, []string{"TestWriterSplitNewlines"}) {
		t.Errorf("failing = %q", tr.Failing)
	}
	if len(tr.Elsewhere) != 0 {
		t.Errorf("elsewhere = %q, want none", tr.Elsewhere)
	}
	// A compat module (no recorded accesses): every report is listed,
	// counted over runs.
	c := newToolResult("race")
	for range 2 {
		c.add(result{out: race, exit: 1}, ParseRace(race), nil, false)
	}
	want := []string{
		"bytes.(*Buffer).String buffer.go:77 / bytes.(*Buffer).tryGrowByReslice buffer.go:135 (x2)",
		"runtime.slicebytetostring string.go:139 / runtime.slicecopy slice.go:392 (x2)",
	}
	if !reflect.DeepEqual(c.Elsewhere, want) || c.Found != 0 || len(c.WallSec) != 0 {
		t.Errorf("compat: elsewhere %q found %d walls %v", c.Elsewhere, c.Found, c.WallSec)
	}
}

func TestSummarize(t *testing.T) {
	tool := func(name string, found, runs int) *ToolResult {
		return &ToolResult{Tool: name, Found: found, Runs: runs}
	}
	races := []*RaceResult{
		{ID: "a", Classes: []string{"counter", "test-only"}, Tools: []*ToolResult{tool("race", 3, 3), tool("default", 0, 3), tool("ci", 1, 3)}},
		{ID: "b", Classes: []string{"counter"}, Tools: []*ToolResult{tool("race", 2, 3), tool("default", 0, 3), {Tool: "ci", Failure: "build failed: x"}}},
		{ID: "c", Classes: []string{"inside-std"}, Failure: "does not build plain: y"},
	}
	got := Summarize(races)
	want := []ClassSummary{
		{Class: "counter", Cases: 2, Tools: []ToolSummary{
			{Tool: "race", CasesFound: 2, Runs: 6, RunsFound: 5},
			{Tool: "default", CasesFound: 0, Runs: 6},
			{Tool: "ci", CasesFound: 1, Runs: 3, RunsFound: 1, Failed: 1},
		}},
		{Class: "inside-std", Cases: 1, Tools: []ToolSummary{{Tool: "race", Failed: 1}, {Tool: "default", Failed: 1}, {Tool: "ci", Failed: 1}}},
		{Class: "test-only", Cases: 1, Tools: []ToolSummary{
			{Tool: "race", CasesFound: 1, Runs: 3, RunsFound: 3},
			{Tool: "default", Runs: 3},
			{Tool: "ci", CasesFound: 1, Runs: 3, RunsFound: 1},
		}},
		{Class: "all", Cases: 3, Tools: []ToolSummary{
			{Tool: "race", CasesFound: 2, Runs: 6, RunsFound: 5, Failed: 1},
			{Tool: "default", Runs: 6, Failed: 1},
			{Tool: "ci", CasesFound: 1, Runs: 3, RunsFound: 1, Failed: 2},
		}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Summarize =\n%+v\nwant\n%+v", got, want)
	}
	if s := want[3].Tools[2].String(); s != "1 cases, 1/3 runs, 2 not run" {
		t.Errorf("String = %q", s)
	}
}

func TestBuildFailure(t *testing.T) {
	for _, c := range []struct {
		r    result
		want string
	}{
		{result{out: readTestdata(t, "race-logrus-writer.txt"), exit: 1}, ""}, // tests ran and failed
		{result{out: readTestdata(t, "gocsan-logrus-build.txt")}, ""},
		{result{out: "# example.com/m\n./m.go:3:1: syntax error\nFAIL\texample.com/m [build failed]\nFAIL\n", exit: 1}, "build failed: # example.com/m\n./m.go:3:1: syntax error\nFAIL\texample.com/m [build failed]\nFAIL\n"},
		{result{out: "gocsan: error: cannot find GOROOT\n", exit: 2}, "exit status 2: gocsan: error: cannot find GOROOT\n"},
		{result{out: "", timedOut: true, exit: -1, wall: 90 * time.Second}, "build timed out after 1m30s"},
	} {
		if got := buildFailure(c.r); got != c.want {
			t.Errorf("buildFailure(%.40q) = %q, want %q", c.r.out, got, c.want)
		}
	}
}

// A failing test's lines win over the "# pkg" header gocsan prints above
// its build warnings (bigcache's TestClosing showed only the warnings).
func TestFailureLinesPreferTestFailure(t *testing.T) {
	out := "# github.com/allegro/bigcache/v3/queue\ngocsan: warning: queue/bytes_queue.go:142:40: gocsan: function redeclares predeclared len: function not instrumented\n" +
		"--- FAIL: TestClosing (0.31s)\n    assert.go:10: Expected true\nFAIL\nFAIL\tgithub.com/allegro/bigcache/v3\t30.1s\nFAIL\n"
	got := failureLines(result{out: out, exit: 1})
	if !strings.HasPrefix(got, "--- FAIL: TestClosing (0.31s)\n    assert.go:10: Expected true") {
		t.Errorf("failureLines = %q, want the TestClosing failure first", got)
	}
}

// A compile error below gocsan's warnings is what a build failure records
// (echo's "predeclared any requires go1.18" came after five warnings).
func TestFailureLinesSkipWarnings(t *testing.T) {
	out := "# github.com/labstack/echo/v4/middleware [github.com/labstack/echo/v4/middleware.test]\n" +
		strings.Repeat("gocsan: warning: ./bind.go:101:26: gocsan: access through an operand with side effects, spanning lines or too long is not instrumented\n", 6) +
		"middleware/body_limit.go:84:22: predeclared any requires go1.18 or later (-lang was set to go1.17; check go.mod)\n" +
		"FAIL\tgithub.com/labstack/echo/v4/middleware [build failed]\nFAIL\n"
	got := buildFailure(result{out: out, exit: 1})
	if !strings.Contains(got, "body_limit.go:84:22: predeclared any") || strings.Contains(got, "gocsan: warning") {
		t.Errorf("buildFailure = %q, want the compile error without the warnings", got)
	}
}
