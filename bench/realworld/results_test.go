package realworld

import (
	"bytes"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sampleResults() *Results {
	return &Results{
		RunInfo: RunInfo{
			Date: "2026-12-07T14:00:00Z", End: "2026-12-07T15:30:00Z", Machine: "m, linux/amd64, 2 CPUs, cpu", Load: []float64{1, 2, 6},
			Go: "go1.26.8", Commit: "abc123", Command: "go run ./bench -realworld", Runs: 3, GOMAXPROCS: []int{1, 2},
			Profiles: map[string]string{"default": "sampling=adaptive", "ci": "sampling=adaptive reorder=1"},
		},
		Races: []*RaceResult{{
			ID: "logrus-writer-split-newlines", Module: "github.com/sirupsen/logrus", Version: "v1.9.3",
			Classes: []string{"inside-std", "non-overlapping"},
			Tools: []*ToolResult{
				{Tool: "race", Runs: 3, Found: 3, WallSec: []float64{1, 2, 3}},
				{Tool: "default", Runs: 3, WallSec: []float64{2, 2, 2}, Elsewhere: []string{"a.F a.go:1 / a.G a.go:2 (x1)"}},
				{Tool: "ci", Failure: "build failed: # x\nx.go:1: bad"},
			},
		}},
		Compat: []*CompatResult{{
			ID: "btree", Module: "github.com/google/btree", Version: "v1.1.3", Packages: []string{"./..."},
			Procs: []CompatProcs{{GOMAXPROCS: 1, Tools: []*ToolResult{
				{Tool: "plain", BuildSec: 4, Runs: 2, Passed: 2, WallSec: []float64{1}},
				{Tool: "race", BuildSec: 8, Runs: 2, Passed: 2, WallSec: []float64{5}},
				{Tool: "default", BuildSec: 12, Runs: 2, Passed: 1, Reports: 1, WallSec: []float64{2}, Elsewhere: []string{"b.F b.go:1 / b.F b.go:1 (x1)"}, FirstError: "--- FAIL: TestX"},
				{Tool: "ci", BuildSec: 16, Runs: 2, Passed: 2, WallSec: []float64{4}},
			}}, {GOMAXPROCS: 2, Tools: []*ToolResult{
				{Tool: "plain", Runs: 1, Passed: 1, WallSec: []float64{1}},
				{Tool: "race", Runs: 1, Passed: 1, WallSec: []float64{4}},
				{Tool: "default", Runs: 1, Passed: 1, WallSec: []float64{2}},
				{Tool: "ci", Runs: 1, Passed: 1, WallSec: []float64{8}},
			}}},
		}},
	}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	WriteText(&b, sampleResults())
	// Compare with the columns' padding collapsed to one space.
	out := strings.Join(strings.Fields(strings.ReplaceAll(b.String(), "\n", " \x00 ")), " ")
	for _, want := range []string{
		"logrus-writer-split-newlines  inside-std,non-overlapping  3/3 2.0s  0/3 2.0s  not run",
		"all          1      1 cases, 3/3 runs",
		"btree   v1.1.3   1           ok 1.0s  ok 5.0s 5.00x  FAIL 2.0s 2.00x 1 reports  ok 4.0s 4.00x  4.0s plain; 2.00x/3.00x/4.00x",
		"logrus-writer-split-newlines default report elsewhere: a.F a.go:1 / a.G a.go:2 (x1)",
		"logrus-writer-split-newlines ci not run: build failed: # x | x.go:1: bad",
		"btree P=1 default report: b.F b.go:1 / b.F b.go:1 (x1)",
		"btree P=1 default failed: --- FAIL: TestX",
	} {
		if want = strings.Join(strings.Fields(want), " "); !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The compat summary: ci at GOMAXPROCS=2 is 8x plain and 2x race.
	if !strings.Contains(out, "\x00 ci 2 1 0 0 0 8.00x (1) 2.00x (1) \x00") {
		t.Errorf("compat summary wrong:\n%s", out)
	}
}

func TestResultsJSONRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	want := sampleResults()
	if err := WriteJSON(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range want.Races {
		for _, tr := range r.Tools {
			tr.elsewhere = nil
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n%+v\nwant\n%+v", got, want)
	}
}

func TestReplaceGenerated(t *testing.T) {
	doc := "# Title\n\nMethod.\n\n" + beginMarker + "\nold figures\n" + endMarker + "\n\nAfter.\n"
	out, err := replaceGenerated([]byte(doc), sampleResults())
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if strings.Contains(s, "old figures") || !strings.HasPrefix(s, "# Title\n\nMethod.\n\n"+beginMarker+"\n") || !strings.HasSuffix(s, endMarker+"\n\nAfter.\n") {
		t.Errorf("replaced document:\n%s", s)
	}
	if !strings.Contains(s, "| logrus-writer-split-newlines | inside-std,non-overlapping | 3/3 2.0s | 0/3 2.0s | not run |") {
		t.Errorf("no Markdown race row:\n%s", s)
	}
	// Idempotent: regenerating from the same results changes nothing.
	again, err := replaceGenerated(out, sampleResults())
	if err != nil || !bytes.Equal(again, out) {
		t.Errorf("second replacement differs (%v)", err)
	}
	if _, err := replaceGenerated([]byte("# no markers\n"), sampleResults()); err == nil {
		t.Error("a document without markers was accepted")
	}
}
