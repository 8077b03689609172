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
)

// TestCIOutputs runs gocsan test on the racy catalogue with every CI
// output at once and checks each: the -json stream is test2json events
// only, with race events in it; the SARIF file has the structure GitHub
// code scanning requires; JUnit fails exactly the racy tests; the HTML page
// names every race; a baseline of the run makes the same races pass and a
// race outside it fail.
func TestCIOutputs(t *testing.T) {
	t.Parallel()
	dir := abs(t, "../../testdata/racy")
	out := t.TempDir()
	jsonPath := filepath.Join(out, "reports.jsonl")
	sarifPath, junitPath, htmlPath := filepath.Join(out, "r.sarif"), filepath.Join(out, "r.xml"), filepath.Join(out, "r.html")
	cmd := exec.Command(gocsanBinary(t), "test", "-profile=ci", "-count=1", "-json",
		"-sarif="+sarifPath, "-junit="+junitPath, "-html="+htmlPath, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOCSAN=skip=1 delay=1ms delay_budget=0 report_once_in=0 reorder=0 json_path="+jsonPath, "GITHUB_ACTIONS=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want status 1; stderr:\n%s", err, stderr.String())
	}

	// -json: every line is a test2json event; race events are among them.
	raceEvents := 0
	verdict := map[string]string{} // test -> pass or fail in the stream
	for i, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var e struct {
			Action, Package, Test, Output string
			Gocsan                        *json.RawMessage
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil || e.Action == "" {
			t.Fatalf("stdout line %d is not a test2json event (%v): %q", i+1, err, line)
		}
		if e.Gocsan != nil {
			raceEvents++
		}
		if e.Test != "" && (e.Action == "pass" || e.Action == "fail") {
			verdict[e.Test] = e.Action
		}
	}
	cases := raceMarkers(t, dir)
	reports, _ := report.Dedup(readReports(t, jsonPath))
	if len(reports) == 0 || raceEvents < len(reports) {
		t.Errorf("%d race events in the -json stream for %d distinct reports", raceEvents, len(reports))
	}

	// SARIF.
	data, err := os.ReadFile(sarifPath)
	if err != nil {
		t.Fatal(err)
	}
	if problems := sarif.Validate(data); len(problems) != 0 {
		t.Errorf("SARIF does not validate: %v", problems)
	}
	var log struct {
		Runs []struct{ Results []json.RawMessage }
	}
	if err := json.Unmarshal(data, &log); err != nil || len(log.Runs) != 1 || len(log.Runs[0].Results) < len(cases) {
		t.Errorf("SARIF: %v, %d runs", err, len(log.Runs))
	}

	// JUnit: the tests the run failed for races fail, the others pass;
	// the twins always pass, and nearly every racy test is caught.
	data, err = os.ReadFile(junitPath)
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Suites []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Type string `xml:"type,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &suites); err != nil {
		t.Fatalf("JUnit does not parse: %v", err)
	}
	failed := map[string]bool{}
	seen := map[string]bool{}
	for _, s := range suites.Suites {
		for _, c := range s.Cases {
			seen[c.Name] = true
			if c.Failure != nil {
				failed[c.Name] = true
			}
		}
	}
	caught := 0
	for name := range cases {
		racy := "TestRacy" + name
		if failed[racy] != (verdict[racy] == "fail") {
			t.Errorf("JUnit: %s failed=%v, the run said %s", racy, failed[racy], verdict[racy])
		}
		if failed[racy] {
			caught++
		}
		if !seen["TestSafe"+name] || failed["TestSafe"+name] {
			t.Errorf("JUnit: TestSafe%s missing or failed", name)
		}
	}
	if caught < len(cases)-2 {
		t.Errorf("only %d of %d racy tests failed", caught, len(cases))
	}

	// HTML: one self-contained page naming every race.
	page, err := os.ReadFile(htmlPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		if !bytes.Contains(page, []byte(r.Title)) {
			t.Errorf("HTML page lacks %q", r.Title)
		}
	}

	// Baseline: this run's races pass against a baseline of this run; a
	// baseline of one test's run does not cover the others.
	base := filepath.Join(out, "base.json")
	if o, code := gocsan(t, dir, nil, "report", "baseline", "-o", base, jsonPath); code != 0 {
		t.Fatalf("report baseline: %d\n%s", code, o)
	}
	if o, code := gocsan(t, dir, nil, "report", "-baseline="+base, jsonPath); code != 0 {
		t.Errorf("report against its own baseline: exit %d\n%s", code, o)
	}
	mapOnly := filepath.Join(out, "map.jsonl")
	if o, code := gocsan(t, dir, []string{"GOCSAN=skip=1 delay=1ms delay_budget=0 report_once_in=0 json_path=" + mapOnly}, "test", "-count=1", "-run=^TestRacyMap$", "."); code != 1 {
		t.Fatalf("racy map run: exit %d\n%s", code, o)
	}
	small := filepath.Join(out, "small.json")
	if o, code := gocsan(t, dir, nil, "report", "baseline", "-o", small, mapOnly); code != 0 {
		t.Fatalf("report baseline: %d\n%s", code, o)
	}
	if o, code := gocsan(t, dir, nil, "report", "-baseline="+small, jsonPath); code != 1 {
		t.Errorf("new races against a smaller baseline: exit %d, want 1\n%s", code, o)
	}
}
