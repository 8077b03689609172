package gobuild

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gocsan/gocsan/report"
)

func TestSplitArgs(t *testing.T) {
	inv, err := splitArgs("test", []string{"-profile=ci", "-race", "-run", "TestX", "./...", "-instrument", "a/...,b", "-tags=x y", "-json", "-count=2", "-args", "-profile=z"})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"profile": "ci", "instrument": "a/...,b"}; !reflect.DeepEqual(inv.gocsan, want) {
		t.Errorf("gocsan flags %v, want %v", inv.gocsan, want)
	}
	if want := []string{"-race", "-run", "TestX", "./...", "-tags=x y", "-json", "-count=2", "-args", "-profile=z"}; !reflect.DeepEqual(inv.goArgs, want) {
		t.Errorf("go args %q, want %q", inv.goArgs, want)
	}
	if want := []string{"-race", "-tags=x y"}; !reflect.DeepEqual(inv.forward, want) {
		t.Errorf("forwarded %q, want %q", inv.forward, want)
	}
	if !inv.json {
		t.Error("-json not noticed")
	}
	if inv.cover {
		t.Error("coverage noticed where there is none")
	}
	for args, want := range map[string][2]bool{
		"-cover":                         {true, false},
		"-coverprofile c.out":            {true, false},
		"-coverpkg=./... -covermode=set": {true, true},
		"-cover=false":                   {false, false},
	} {
		inv, err := splitArgs("test", strings.Fields(args))
		if err != nil {
			t.Fatal(err)
		}
		if got := [2]bool{inv.cover, inv.coverMode}; got != want {
			t.Errorf("%s: cover, covermode = %v, want %v", args, got, want)
		}
	}

	// For run, the first non-flag is the package and the rest belong to
	// the program, even when they look like gocsan's flags.
	inv, err = splitArgs("run", []string{"-C", "dir", "-gcflags", "all=-N", "./cmd/x", "-profile=ci"})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.gocsan) != 0 || inv.dir != "dir" || !reflect.DeepEqual(inv.forward, []string{"-gcflags=all=-N"}) {
		t.Errorf("run: gocsan %v dir %q forward %q", inv.gocsan, inv.dir, inv.forward)
	}
	if want := []string{"-C", "dir", "-gcflags", "all=-N", "./cmd/x", "-profile=ci"}; !reflect.DeepEqual(inv.goArgs, want) {
		t.Errorf("run go args %q", inv.goArgs)
	}
	if got := withoutC(inv.goArgs); !reflect.DeepEqual(got, []string{"-gcflags", "all=-N", "./cmd/x", "-profile=ci"}) {
		t.Errorf("withoutC = %q", got)
	}

	for _, c := range []struct {
		sub, args string
		want      []string
	}{
		{"test", "-run TestX ./a github.com/x/y/... -count=2 -args b", []string{"./a", "github.com/x/y/..."}},
		{"test", "-v", nil},
		{"build", "-o out ./cmd/x ./cmd/y", []string{"./cmd/x", "./cmd/y"}},
		{"run", "./cmd/x arg -flag", []string{"./cmd/x"}},
		{"run", "a.go b.go arg c.go", []string{"a.go", "b.go"}},
		{"run", "example.com/m/cmd@v1 a.go", []string{"example.com/m/cmd@v1"}},
	} {
		inv, err := splitArgs(c.sub, strings.Fields(c.args))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(inv.packages, c.want) {
			t.Errorf("%s %s: packages %q, want %q", c.sub, c.args, inv.packages, c.want)
		}
	}

	if _, err := splitArgs("test", []string{"-toolexec=x"}); err == nil {
		t.Error("-toolexec accepted")
	}
	if err := checkGOFLAGS("-mod=mod --toolexec=foo"); err == nil {
		t.Error("GOFLAGS -toolexec accepted")
	}
	if got := filterGOFLAGS("-mod=vendor -race -modfile=x.mod -tags=a"); got != "-race -tags=a" {
		t.Errorf("filterGOFLAGS = %q", got)
	}
}

func TestMergeOptions(t *testing.T) {
	got := mergeOptions("skip=50 delay=1ms", "json_path=/r log_path=/t", "delay=3ms halt_on_error=1")
	if want := "skip=50 delay=3ms json_path=/r log_path=/t halt_on_error=1"; got != want {
		t.Errorf("mergeOptions = %q, want %q", got, want)
	}
	if v, ok := optionValue("a=1 json_path=/x", "json_path"); !ok || v != "/x" {
		t.Errorf("optionValue = %q %v", v, ok)
	}
	if _, err := lookupProfile("nope"); err == nil {
		t.Error("unknown profile accepted")
	}
}

func TestSelected(t *testing.T) {
	c := &Config{
		MainModules: []string{"example.com/m"},
		Instrument:  []string{"golang.org/x/sync/errgroup"},
		Exclude:     []string{RuntimePath, "github.com/gocsan/gocsan/report"},
	}
	for p, want := range map[string]bool{
		"example.com/m":              true,
		"example.com/m/sub":          true,
		"example.com/mother":         false,
		"golang.org/x/sync/errgroup": true,
		"golang.org/x/sync":          false,
		RuntimePath:                  false,
		"command-line-arguments":     true,
		"fmt":                        false,
	} {
		if got := c.selected(p); got != want {
			t.Errorf("selected(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestExtendImportcfg(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "importcfg"), filepath.Join(dir, "importcfg.new")
	os.WriteFile(src, []byte("# import config\npackagefile fmt=/cache/fmt.a\npackagefile example.com/m=/b/m.a"), 0o644)
	err := extendImportcfg(src, dst, map[string]string{"fmt": "/other/fmt.a", RuntimePath: "/cache/rt.a", "sync": "/cache/sync.a"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(dst)
	want := "# import config\npackagefile fmt=/cache/fmt.a\npackagefile example.com/m=/b/m.a\n# added by gocsan\n" +
		"packagefile " + RuntimePath + "=/cache/rt.a\npackagefile sync=/cache/sync.a\n"
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
	os.WriteFile(src, []byte("packagefile broken\n"), 0o644)
	if err := extendImportcfg(src, dst, nil); err == nil || !strings.Contains(err.Error(), "importcfg:1: malformed") {
		t.Errorf("malformed importcfg: err = %v", err)
	}
}

const testmainSrc = `// Code generated by 'go test'. DO NOT EDIT.

package main

import (
	"os"

	"testing"
	"testing/internal/testdeps"

	_test "example.com/m"
)

var tests = []testing.InternalTest{

	{"TestA", _test.TestA},

	{"TestB", _test.TestB},

}

var benchmarks = []testing.InternalBenchmark{
}

func main() {
	m := testing.MainStart(testdeps.TestDeps{}, tests, benchmarks, nil, nil)

	os.Exit(m.Run())

}
`

func TestRewriteTestmain(t *testing.T) {
	out, err := rewriteTestmain("_testmain.go", []byte(testmainSrc))
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{
		"package main; import _gocsanrt \"" + RuntimePath + "\"\n",
		`{"TestA", _test.TestA},`,
		"\t_gocsanExit(m.Run())\n",
		`"testing: race detected outside of test execution\n"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("rewritten test main lacks %q:\n%s", want, s)
		}
	}
	// Lines keep their numbers.
	if a, b := strings.Index(testmainSrc, "os.Exit"), strings.Index(s, "_gocsanExit"); strings.Count(testmainSrc[:a], "\n") != strings.Count(s[:b], "\n") {
		t.Errorf("os.Exit moved from line %d to %d", strings.Count(testmainSrc[:a], "\n"), strings.Count(s[:b], "\n"))
	}
	if strings.Contains(s, "_gocsanWrap") {
		t.Errorf("test functions wrapped:\n%s", s)
	}
}

func TestVersionLine(t *testing.T) {
	c := &Config{MainModules: []string{"a"}}
	c.computeToolID("bin1", "rt1")
	id1 := c.ToolID
	c.computeToolID("bin1", "rt2")
	if c.ToolID == id1 || !strings.HasPrefix(id1, "gocsan-") {
		t.Errorf("tool IDs %q %q: want distinct, prefixed gocsan-", id1, c.ToolID)
	}
	c.computeToolID("bin1", "rt1")
	c.Instrument = []string{"x"}
	c.computeToolID("bin1", "rt1")
	if c.ToolID == id1 {
		t.Error("tool ID ignores the instrumented package list")
	}
	// Marked, the selection travels in per-package flags: the tool ID
	// (part of every package's cache key, std's too) leaves it out.
	c.Marked = true
	c.computeToolID("bin1", "rt1")
	marked := c.ToolID
	c.MainModules, c.Instrument = []string{"b"}, nil
	c.computeToolID("bin1", "rt1")
	if c.ToolID != marked {
		t.Errorf("marked tool ID changed with the selection: %q, %q", marked, c.ToolID)
	}
	c.Exclude = []string{"e"}
	c.computeToolID("bin1", "rt1")
	if c.ToolID == marked {
		t.Error("marked tool ID ignores the excluded packages")
	}
}

// The marker flags select what selected selects, and toolexec strips the
// marker before the compiler sees it.
func TestSelectionMarker(t *testing.T) {
	c := &Config{MainModules: []string{"example.com/m"}, Instrument: []string{"example.com/dep"}, Exclude: []string{"example.com/m/rt"}, Marked: true}
	want := []string{
		"-gcflags=command-line-arguments=" + selectedMarker,
		"-gcflags=example.com/m/...=" + selectedMarker,
		"-gcflags=example.com/dep=" + selectedMarker,
	}
	if got := c.markerFlags(); !slices.Equal(got, want) {
		t.Errorf("markerFlags() = %q, want %q", got, want)
	}
	args := []string{"compile", "-o", "out.a", selectedMarker, "-p", "x", "x.go"}
	stripped, marked := withoutMarker(args)
	if !marked || slices.Contains(stripped, selectedMarker) || len(stripped) != len(args)-1 {
		t.Errorf("withoutMarker(%q) = %q, %v", args, stripped, marked)
	}
	if _, marked := withoutMarker(stripped); marked {
		t.Error("withoutMarker finds a marker that is not there")
	}
	for _, tc := range []struct {
		path   string
		marked bool
		want   bool
	}{
		{"example.com/m/a", true, true},
		{"example.com/m/a_test", true, true},
		{"example.com/other", false, false},
		{"example.com/m/rt", true, false},
	} {
		if got := c.instruments(tc.path, tc.marked); got != tc.want {
			t.Errorf("instruments(%q, marked=%v) = %v, want %v", tc.path, tc.marked, got, tc.want)
		}
	}
}

func TestTestBinaryOf(t *testing.T) {
	for env, want := range map[string]string{
		"example.com/m [example.com/m.test]":      "example.com/m",
		"example.com/m_test [example.com/m.test]": "example.com/m",
		"example.com/m.test":                      "example.com/m",
		"example.com/m":                           "",
	} {
		t.Setenv("TOOLEXEC_IMPORTPATH", env)
		if got := testBinaryOf(); got != want {
			t.Errorf("testBinaryOf() with %q = %q, want %q", env, got, want)
		}
	}
}

func TestUsage(t *testing.T) {
	var b strings.Builder
	if code := Run("test", []string{"-h"}, &b, &b); code != 0 {
		t.Errorf("gocsan test -h: exit %d", code)
	}
	want := []string{"usage: gocsan test", "-instrument", "-profile", "-sarif", "-junit", "-html", "-metrics-addr", "-baseline"}
	for _, p := range Profiles {
		want = append(want, fmt.Sprintf("GOCSAN=%q", p.Options))
	}
	for _, want := range want {
		if !strings.Contains(b.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, b.String())
		}
	}
}

func TestOutputs(t *testing.T) {
	var got []string
	RegisterOutput(Output{Flag: "testsink", Usage: "test only", Write: func(v string, rs []*report.Report) error {
		for _, r := range rs {
			got = append(got, v+":"+r.Title)
		}
		return nil
	}})
	defer func() {
		registered.Lock()
		registered.list = registered.list[:len(registered.list)-1]
		registered.Unlock()
		delete(gocsanFlags, "testsink")
	}()
	inv, err := splitArgs("test", []string{"-testsink=f.out", "./..."})
	if err != nil || inv.gocsan["testsink"] != "f.out" {
		t.Fatalf("splitArgs: %v %v", inv, err)
	}
	rs := []*report.Report{{Title: "a"}, {Title: "b"}}
	if err := writeOutputs(inv.gocsan, rs); err != nil {
		t.Fatal(err)
	}
	if want := []string{"f.out:a", "f.out:b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("output got %q, want %q", got, want)
	}
	if err := writeOutputs(map[string]string{}, rs); err != nil || len(got) != 2 {
		t.Errorf("output written without its flag")
	}
}

func TestSkippedLine(t *testing.T) {
	if got := skippedLine("example.com/p", nil); got != "" {
		t.Errorf("no warnings: %q", got)
	}
	got := skippedLine("example.com/p", []string{
		"/src/p/a.go:3:4: gocsan: map access through an operand with side effects or spanning lines is not instrumented",
		"/src/p/a.go:9:1: gocsan: access in an untyped operand is not instrumented",
		"/src/p/b.go:1:2: gocsan: map access through an operand with side effects or spanning lines is not instrumented",
	})
	want := "gocsan: example.com/p: 3 sites not instrumented: " +
		"2 map access through an operand with side effects or spanning lines is not instrumented; " +
		"1 access in an untyped operand is not instrumented"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// The cache replays compile output: a -v build's instrumented packages
// must not share cache keys with a quiet build's. Marked, the verbosity
// is in the marker (the standard library keeps its keys); otherwise in
// the tool ID.
func TestToolIDVerbose(t *testing.T) {
	a, b := &Config{}, &Config{Verbose: true}
	a.computeToolID("bin", "rt")
	b.computeToolID("bin", "rt")
	if a.ToolID == b.ToolID {
		t.Error("unmarked -v builds share the tool ID, so the cache would replay compile output of the other verbosity")
	}
	a, b = &Config{Marked: true}, &Config{Marked: true, Verbose: true}
	a.computeToolID("bin", "rt")
	b.computeToolID("bin", "rt")
	if a.ToolID != b.ToolID {
		t.Error("marked -v builds change the tool ID, so -v recompiles the standard library")
	}
	if slices.Equal(a.markerFlags(), b.markerFlags()) {
		t.Error("marked -v builds mark packages as quiet builds do, so the cache would replay compile output of the other verbosity")
	}
	args := []string{"compile", verboseMarker, "x.go"}
	if stripped, marked := withoutMarker(args); !marked || len(stripped) != 2 {
		t.Errorf("withoutMarker(%q) = %q, %v", args, stripped, marked)
	}
}

// -baseline is gocsan test's: build and run refuse it as a usage error
// before building anything.
func TestBaselineOnlyForTest(t *testing.T) {
	for _, sub := range []string{"build", "run"} {
		var b strings.Builder
		if code := Run(sub, []string{"-baseline=base.json", "."}, &b, &b); code != 2 || !strings.Contains(b.String(), "applies to gocsan test only") {
			t.Errorf("gocsan %s -baseline: exit %d, %q; want 2 and a usage error", sub, code, b.String())
		}
	}
}
