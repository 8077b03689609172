package outputs

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/sarif"
	"github.com/gocsan/gocsan/report/testjson"
)

func race() *report.Report {
	r := &report.Report{Kind: report.KindDataRace, Package: "example.com/m", Accesses: []report.Access{
		{Op: report.OpWrite, CPU: -1, Stack: []report.Frame{{Function: "example.com/m.w", File: "/repo/m/w.go", Line: 3}}},
		{Op: report.OpRead, CPU: -1, Stack: []report.Frame{{Function: "example.com/m.r", File: "/repo/m/r.go", Line: 4}, {Function: "example.com/m.TestR"}, {Function: "testing.tRunner"}}},
	}}
	r.Title = report.MakeTitle(r)
	return r
}

func TestWriteEverything(t *testing.T) {
	dir := t.TempDir()
	summary := filepath.Join(dir, "summary.md")
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary}
	var stdout bytes.Buffer
	opt := Options{
		SARIF: filepath.Join(dir, "gocsan.sarif"), JUnit: filepath.Join(dir, "junit.xml"), HTML: filepath.Join(dir, "gocsan.html"),
		Root: "/repo", Stdout: &stdout, Getenv: func(k string) string { return env[k] },
	}
	events := []testjson.Event{{Action: "run", Package: "example.com/m", Test: "TestR"}, {Action: "pass", Package: "example.com/m", Test: "TestR"}}
	if err := Write(opt, events, []*report.Report{race(), race()}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(opt.SARIF)
	if err != nil {
		t.Fatal(err)
	}
	if errs := sarif.Validate(data); len(errs) != 0 {
		t.Error(errs)
	}
	if !strings.Contains(string(data), "seen 2 times") {
		t.Error("SARIF: duplicates not merged into one result with a count")
	}
	x, err := os.ReadFile(opt.JUnit)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []struct {
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
		} `xml:"testsuite>testcase"`
	}
	if err := xml.Unmarshal(x, &doc); err != nil || len(doc.Cases) != 1 || doc.Cases[0].Name != "TestR" || doc.Cases[0].Failure == nil {
		t.Errorf("JUnit %v: %s", err, x)
	}
	if h, err := os.ReadFile(opt.HTML); err != nil || !strings.Contains(string(h), "<!DOCTYPE html>") {
		t.Errorf("HTML: %v", err)
	}
	if !strings.HasPrefix(stdout.String(), "::error file=m/w.go,line=3,") {
		t.Errorf("annotations: %q", stdout.String())
	}
	if md, err := os.ReadFile(summary); err != nil || !strings.Contains(string(md), "1 distinct race (2 reports)") {
		t.Errorf("summary: %v %s", err, md)
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left %s", e.Name())
		}
	}
}

func TestErrorsNameTheFile(t *testing.T) {
	err := Write(Options{SARIF: filepath.Join(t.TempDir(), "no", "such", "dir.sarif"), Getenv: func(string) string { return "" }}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "dir.sarif") {
		t.Errorf("error %v", err)
	}
}

// Under Actions, SARIF paths are relative to the workspace (the
// repository) even when the run's root is a module in a subdirectory of
// it; outside the workspace, or without one, to the run's root.
func TestSARIFRootIsTheWorkspace(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ workspace, root, uri string }{
		{"/repo", "/repo/m", "m/w.go"},
		{"", "/repo/m", "w.go"},
		{"/elsewhere", "/repo/m", "w.go"},
		{"/re", "/repo/m", "w.go"},
	} {
		env := map[string]string{"GITHUB_WORKSPACE": c.workspace}
		path := filepath.Join(dir, "gocsan.sarif")
		opt := Options{SARIF: path, Root: c.root, Stdout: &bytes.Buffer{}, Getenv: func(k string) string { return env[k] }}
		if err := Write(opt, nil, []*report.Report{race()}); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), `"uri": "`+c.uri+`"`) {
			t.Errorf("workspace %q, root %q: no location %q in\n%s", c.workspace, c.root, c.uri, data)
		}
	}
}
