package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/sarif"
	"github.com/gocsan/gocsan/report/testjson"
)

// racyRun is one go test -json run of the hand-instrumented racy
// package (report/testjson/testdata/racy) with every access watched.
type racyRun struct {
	dir     string // temporary directory holding the files
	reports string // the json_path file
	events  string // go test -json output
}

const racyPkg = "github.com/gocsan/gocsan/report/testjson/testdata/racy"

// runRacy runs the package once per test binary: each crash mode is a
// separate process writing to the same reports file, as the processes of
// one gocsan test run do.
func runRacy(t *testing.T) racyRun {
	t.Helper()
	dir := t.TempDir()
	racy := racyRun{dir: dir, reports: filepath.Join(dir, "reports.jsonl"), events: filepath.Join(dir, "events.json")}
	var events bytes.Buffer
	for _, crash := range []string{"", "panic", "exit"} {
		run := "."
		if crash != "" {
			run = "TestCrashAfterRace"
		}
		cmd := exec.Command("go", "test", "-count=1", "-json", "-run", run, "../../report/testjson/testdata/racy")
		cmd.Env = append(os.Environ(), "GOCSAN=skip=1 delay=1ms delay_budget=0 report_once_in=0 unknown_origin=0 json_path="+racy.reports, "RACY_CRASH="+crash)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &events, &stderr
		err := cmd.Run()
		if (err != nil) != (crash != "") {
			t.Fatalf("go test (crash=%q): %s\n%s%s", crash, errString(err), stderr.String(), events.String())
		}
	}
	if err := os.WriteFile(racy.events, events.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return racy
}

func errString(err error) string {
	if err == nil {
		return "succeeded"
	}
	return err.Error()
}

// TestReportEndToEnd converts the reports of real test binaries, two of
// which crashed after their race, to every format and checks each.
func TestReportEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on testdata")
	}
	run := runRacy(t)
	t.Run("SARIF", func(t *testing.T) { reportSARIF(t, run) })
	t.Run("JUnit", func(t *testing.T) { reportJUnit(t, run) })
	t.Run("test2json", func(t *testing.T) { reportTest2JSON(t, run) })
	t.Run("baseline", func(t *testing.T) { reportBaseline(t, run) })
	t.Run("HTMLAndGitHub", func(t *testing.T) { reportHTMLAndGitHub(t, run) })
}

// gocsanReport runs the report command in process.
func gocsanReport(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = reportMain(args, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	return code, out.String(), errb.String()
}

func repoRoot(t *testing.T) string {
	r, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func reportSARIF(t *testing.T, run racyRun) {
	out := filepath.Join(t.TempDir(), "gocsan.sarif")
	code, _, stderr := gocsanReport(t, "-format=sarif", "-o", out, "-root", repoRoot(t), run.reports)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (races found): %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if errs := sarif.Validate(data); len(errs) != 0 {
		t.Fatalf("invalid SARIF:\n%s", strings.Join(errs, "\n"))
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
					}
				}
				Properties struct{ Title string }
			}
		}
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	titles := map[string]bool{}
	for _, r := range log.Runs[0].Results {
		titles[r.Properties.Title] = true
		if uri := r.Locations[0].PhysicalLocation.ArtifactLocation.URI; !strings.HasPrefix(uri, "report/testjson/testdata/racy/") {
			t.Errorf("location %q is not repository relative", uri)
		}
	}
	for _, want := range []string{"Counter).Get / ", "ReadFlag / "} {
		found := false
		for title := range titles {
			found = found || strings.Contains(title, want)
		}
		if !found {
			t.Errorf("no result for %q in %v", want, titles)
		}
	}
}

func reportJUnit(t *testing.T, run racyRun) {
	code, out, stderr := gocsanReport(t, "-format=junit", "-test-json", run.events, run.reports)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Type string `xml:"type,attr"`
					Text string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(doc.Suites) != 1 || doc.Suites[0].Name != racyPkg {
		t.Fatalf("suites %+v", doc.Suites)
	}
	failed := map[string]string{}
	for _, c := range doc.Suites[0].Cases {
		if c.Failure != nil {
			failed[c.Name] = c.Failure.Type
		} else {
			failed[c.Name] = "pass"
		}
	}
	// TestLateWait was running when TestLateStart's goroutines raced;
	// the stack blames TestLateStart. The crashing runs' races are there
	// although their binaries died.
	want := map[string]string{"TestClean": "pass", "TestCounterRace": "DataRace", "TestLateStart": "DataRace", "TestLateWait": "pass", "TestCrashAfterRace": "DataRace"}
	for name, w := range want {
		if failed[name] != w {
			t.Errorf("%s: %q, want %q (all: %v)", name, failed[name], w, failed)
		}
	}
}

func reportTest2JSON(t *testing.T, run racyRun) {
	code, out, stderr := gocsanReport(t, "-format=test2json", "-test-json", run.events, run.reports)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	orig, err := os.ReadFile(run.events)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, string(orig)) {
		t.Error("go test -json events not passed through unchanged")
	}
	// Every line decodes as a test2json event, the way consumers of
	// go test -json read them.
	races := 0
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var e struct {
			Action, Package, Test, Output string
			Gocsan                        *testjson.Race
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil || e.Action == "" {
			t.Fatalf("line %d is not a test2json event (%v): %s", i+1, err, line)
		}
		if e.Gocsan != nil {
			races++
			if e.Package != racyPkg || e.Test == "" || e.Gocsan.Attributed == "" {
				t.Errorf("race event not attributed: %s", line)
			}
		}
	}
	if races == 0 {
		t.Error("no race events")
	}
}

func reportBaseline(t *testing.T, run racyRun) {
	dir := t.TempDir()
	base := filepath.Join(dir, "baseline.json")
	if code, _, stderr := gocsanReport(t, "baseline", "-o", base, run.reports); code != 0 {
		t.Fatalf("baseline: exit %d: %s", code, stderr)
	}
	// The same races again: nothing new, CI passes.
	if code, out, stderr := gocsanReport(t, "-baseline", base, run.reports); code != 0 || out != "" {
		t.Fatalf("second run against the baseline: exit %d, output %q: %s", code, out, stderr)
	}
	// A new race (another function pair) fails it, and only it is shown.
	f, err := os.Open(run.reports)
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := report.ReadJSON(f, run.reports)
	f.Close()
	fresh := *rs[0]
	fresh.Accesses = append([]report.Access(nil), rs[0].Accesses...)
	fresh.Accesses[0].Stack = append([]report.Frame{{Function: racyPkg + ".NewWriter", File: "/src/new.go", Line: 7}}, fresh.Accesses[0].Stack...)
	fresh.Title = report.MakeTitle(&fresh)
	line, err := report.MarshalLine(&fresh)
	if err != nil {
		t.Fatal(err)
	}
	newFile := filepath.Join(dir, "new.jsonl")
	if err := os.WriteFile(newFile, line, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := gocsanReport(t, "-baseline", base, run.reports, newFile)
	if code != 1 || strings.Count(out, "BUG: KCSAN:") != 1 || !strings.Contains(out, "NewWriter") {
		t.Errorf("new race: exit %d, output:\n%s\n%s", code, out, stderr)
	}
}

func reportHTMLAndGitHub(t *testing.T, run racyRun) {
	code, out, _ := gocsanReport(t, "-format=html", "-root", repoRoot(t), run.reports)
	if code != 1 || !strings.Contains(out, "<!DOCTYPE html>") || !strings.Contains(out, "TestLateStart") {
		t.Errorf("html: exit %d", code)
	}
	code, out, _ = gocsanReport(t, "-format=github", "-root", repoRoot(t), run.reports)
	if code != 1 || !strings.HasPrefix(out, "::error file=report/testjson/testdata/racy/") {
		t.Errorf("github: exit %d output %.300s", code, out)
	}
}

func TestReportInputErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte("{\"kind\":\"data-race\"}\n{garbage\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{}, 2, "no report files"},
		{[]string{"-format=pdf", bad}, 2, `unknown -format "pdf"`},
		{[]string{filepath.Join(dir, "missing.jsonl")}, 2, "missing.jsonl"},
		{[]string{"-baseline", filepath.Join(dir, "nobase.json"), bad}, 2, "nobase.json"},
		{[]string{"-format=test2json", bad}, 2, "-test-json"},
		{[]string{"-format=json", bad}, 1, "bad.jsonl:2:"},
		{[]string{"baseline", bad}, 2, "usage"},
		{[]string{"baseline", "-o", filepath.Join(dir, "b.json"), bad}, 2, "bad.jsonl:2:"},
	} {
		code, _, stderr := gocsanReport(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", c.args, code, stderr, c.code, c.msg)
		}
	}
	empty := filepath.Join(dir, "empty.jsonl")
	os.WriteFile(empty, nil, 0o644)
	if code, _, _ := gocsanReport(t, empty); code != 0 {
		t.Errorf("no races: exit %d, want 0", code)
	}
}
