package realworld

import (
	"bytes"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// rerunResults is a later run of the race case of sampleResults with more
// runs, and of a second race case, on another day.
func rerunResults() *Results {
	return &Results{
		RunInfo: RunInfo{
			Date: "2026-12-08T09:00:00Z", End: "2026-12-08T09:10:30Z", Machine: "m, linux/amd64, 2 CPUs, cpu",
			Go: "go1.26.8", Commit: "def456", Command: "go run ./bench -realworld -corpus=races -run ^logrus- -n 10", Runs: 10,
			Profiles: map[string]string{"default": "sampling=adaptive", "ci": "sampling=adaptive reorder=1"},
		},
		Races: []*RaceResult{{
			ID: "logrus-writer-split-newlines", Module: "github.com/sirupsen/logrus", Version: "v1.9.3",
			Classes: []string{"inside-std", "non-overlapping"},
			Tools: []*ToolResult{
				{Tool: "race", Runs: 10, Found: 9, WallSec: []float64{1}},
				{Tool: "default", Runs: 10, Found: 1, WallSec: []float64{2}},
				{Tool: "ci", Runs: 10, Found: 4, WallSec: []float64{3}},
			},
		}, {
			ID: "amqp-open", Module: "github.com/rabbitmq/amqp091-go", Version: "v1.0.0",
			Classes: []string{"counter"},
			Tools: []*ToolResult{
				{Tool: "race", Runs: 10, Found: 10, WallSec: []float64{1}},
				{Tool: "default", Runs: 10, WallSec: []float64{1}},
				{Tool: "ci", Runs: 10, WallSec: []float64{1}},
			},
		}},
	}
}

func writeFixtures(t *testing.T, rs ...*Results) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i, r := range rs {
		p := filepath.Join(dir, []string{"first.json", "second.json", "third.json"}[i])
		if err := WriteJSON(p, r); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

func raceIDs(res *Results) []string {
	var ids []string
	for _, r := range res.Races {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestCombineLaterReplaces(t *testing.T) {
	res, err := Combine(writeFixtures(t, sampleResults(), rerunResults()))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := raceIDs(res), []string{"amqp-open", "logrus-writer-split-newlines"}; !reflect.DeepEqual(got, want) {
		t.Errorf("race cases %v, want %v", got, want)
	}
	if got := res.Races[1].Tool("race").Runs; got != 10 {
		t.Errorf("logrus case has %d race runs, want the rerun's 10", got)
	}
	if len(res.Compat) != 1 || res.Compat[0].ID != "btree" {
		t.Errorf("compat from the first file lost: %+v", res.Compat)
	}
	if len(res.Sources) != 2 {
		t.Fatalf("%d sources, want 2: %+v", len(res.Sources), res.Sources)
	}
	first, second := res.Sources[0], res.Sources[1]
	if first.File != "first.json" || first.Races != nil || !reflect.DeepEqual(first.Compat, []string{"btree"}) || first.Commit != "abc123" {
		t.Errorf("first source %+v: want first.json providing only the compat module", first)
	}
	if second.File != "second.json" || !reflect.DeepEqual(second.Races, []string{"amqp-open", "logrus-writer-split-newlines"}) || second.Compat != nil {
		t.Errorf("second source %+v: want second.json providing both race cases", second)
	}
}

func TestCombineDropsReplacedSource(t *testing.T) {
	races := sampleResults()
	races.Compat = nil
	res, err := Combine(writeFixtures(t, races, rerunResults()))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sources) != 1 || res.Sources[0].File != "second.json" {
		t.Errorf("sources %+v: want only second.json, whose cases replaced all of first.json's", res.Sources)
	}
}

func TestCombineCombined(t *testing.T) {
	paths := writeFixtures(t, sampleResults(), rerunResults())
	once, err := Combine(paths)
	if err != nil {
		t.Fatal(err)
	}
	// A third run replaces the compat module: the combined file's
	// sources are kept, minus what the third run replaced.
	third := sampleResults()
	third.Races, third.Date, third.Command = nil, "2026-12-09T10:00:00Z", "go run ./bench -realworld -corpus=compat -cold"
	dir := filepath.Dir(paths[0])
	p1, p2 := filepath.Join(dir, "combined.json"), filepath.Join(dir, "cold.json")
	if err := WriteJSON(p1, once); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(p2, third); err != nil {
		t.Fatal(err)
	}
	res, err := Combine([]string{p1, p2})
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, s := range res.Sources {
		files = append(files, s.File)
	}
	if want := []string{"second.json", "cold.json"}; !reflect.DeepEqual(files, want) {
		t.Errorf("sources %v, want %v", files, want)
	}
	if len(res.Races) != 2 || len(res.Compat) != 1 {
		t.Errorf("%d race cases, %d compat modules; want 2 and 1", len(res.Races), len(res.Compat))
	}
}

func TestCombineErrors(t *testing.T) {
	if _, err := Combine(nil); err == nil {
		t.Error("no files accepted")
	}
	if _, err := Combine([]string{filepath.Join(t.TempDir(), "missing.json")}); err == nil {
		t.Error("a missing file accepted")
	}
}

func TestCombinedMarkdownHeader(t *testing.T) {
	res, err := Combine(writeFixtures(t, sampleResults(), rerunResults()))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	WriteMarkdown(&b, res)
	out := b.String()
	for _, want := range []string{
		"- `first.json`: 2026-12-07T14:00:00Z to 2026-12-07T15:30:00Z (1h30m0s); m, linux/amd64, 2 CPUs, cpu; load average 1.0 to 6.0 (mean 3.0); go1.26.8; gocsan abc123; 1 compat modules (GOMAXPROCS 1,2). Command: `go run ./bench -realworld`",
		"- `second.json`: 2026-12-08T09:00:00Z to 2026-12-08T09:10:30Z (10m30s); m, linux/amd64, 2 CPUs, cpu; load not recorded; go1.26.8; gocsan def456; 2 race cases (10 runs each). Command: `go run ./bench -realworld -corpus=races -run ^logrus- -n 10`",
		"Profiles: default `GOCSAN=sampling=adaptive`; ci `GOCSAN=sampling=adaptive reorder=1`.",
		"| logrus-writer-split-newlines | inside-std,non-overlapping | 9/10 1.0s | 1/10 2.0s | 4/10 3.0s |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, out)
		}
	}
}

func TestProfilesPerSourceWhenTheyDiffer(t *testing.T) {
	rerun := rerunResults()
	rerun.Profiles = map[string]string{"default": "sampling=1", "ci": "sampling=1 reorder=1"}
	res, err := Combine(writeFixtures(t, sampleResults(), rerun))
	if err != nil {
		t.Fatal(err)
	}
	got := profileText(res.Sources)
	want := []string{
		"first.json: default `GOCSAN=sampling=adaptive`; ci `GOCSAN=sampling=adaptive reorder=1`",
		"second.json: default `GOCSAN=sampling=1`; ci `GOCSAN=sampling=1 reorder=1`",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("profiles %q, want %q", got, want)
	}
}

// Results combined from runs at different GOMAXPROCS values summarize
// each module at the value it was run at, matched by value, not position.
func TestCompatSummaryMatchesProcsByValue(t *testing.T) {
	r := sampleResults()
	only2 := &CompatResult{ID: "xxhash", Module: "github.com/cespare/xxhash/v2", Version: "v2.3.0", Packages: []string{"."},
		Procs: []CompatProcs{{GOMAXPROCS: 2, Tools: []*ToolResult{
			{Tool: "plain", Runs: 1, Passed: 1, WallSec: []float64{1}},
			{Tool: "race", Runs: 1, Passed: 1, WallSec: []float64{2}},
			{Tool: "default", Runs: 1, Passed: 1, WallSec: []float64{2}},
			{Tool: "ci", Runs: 1, Passed: 0, WallSec: []float64{2}},
		}}}}
	r.Compat = append(r.Compat, only2)
	var b bytes.Buffer
	compatSummary(r).text(&b)
	out := strings.Join(strings.Fields(strings.ReplaceAll(b.String(), "\n", " \x00 ")), " ")
	// At 1, xxhash was not run; at 2, its ci run failed.
	for _, want := range []string{"\x00 ci 1 1 0 1 0 4.00x (1) 0.80x (1) \x00", "\x00 ci 2 1 1 0 0 4.00x (2) 1.41x (2) \x00"} {
		if !strings.Contains(out, want) {
			t.Errorf("compat summary lacks %q:\n%s", want, b.String())
		}
	}
}
