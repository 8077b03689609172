package dashboards

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gocsan/gocsan/metrics"
)

type dashboard struct {
	Title  string `json:"title"`
	UID    string `json:"uid"`
	Panels []struct {
		ID      int    `json:"id"`
		Title   string `json:"title"`
		Type    string `json:"type"`
		GridPos *struct {
			H, W, X, Y int
		} `json:"gridPos"`
		Targets []struct {
			Expr         string `json:"expr"`
			RefID        string `json:"refId"`
			LegendFormat string `json:"legendFormat"`
		} `json:"targets"`
	} `json:"panels"`
	Templating struct {
		List []struct {
			Name       string `json:"name"`
			Definition string `json:"definition"`
		} `json:"list"`
	} `json:"templating"`
}

func load(t *testing.T) dashboard {
	t.Helper()
	data, err := os.ReadFile("gocsan.json")
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("gocsan.json: %v", err)
	}
	return d
}

// exposition returns the label names of every metric gocsan's run
// registry exposes, for a run directory holding one report.
func exposition(t *testing.T) map[string]map[string]bool {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "reports.jsonl"), []byte(`{"kind":"data-race","package":"example.com/p","accesses":[]}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mfs, err := metrics.NewRegistry(dir).Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bool{}
	for _, mf := range mfs {
		labels := map[string]bool{"job": true, "instance": true} // added by Prometheus at scrape
		for _, m := range mf.Metric {
			for _, lp := range m.Label {
				labels[lp.GetName()] = true
			}
		}
		out[mf.GetName()] = labels
	}
	return out
}

var (
	metricRe = regexp.MustCompile(`\bgocsan_[a-z0-9_]+\b`)
	byRe     = regexp.MustCompile(`\bby\s*\(([^)]*)\)`)
	legendRe = regexp.MustCompile(`\{\{\s*([a-zA-Z_]+)\s*\}\}`)
)

func TestEveryQueriedMetricExists(t *testing.T) {
	d := load(t)
	exp := exposition(t)
	queried := map[string]bool{}
	check := func(where, expr string, legend string) {
		names := metricRe.FindAllString(expr, -1)
		if len(names) == 0 {
			t.Errorf("%s: query %q uses no gocsan metric", where, expr)
		}
		labels := map[string]bool{}
		for _, n := range names {
			queried[n] = true
			got, ok := exp[n]
			if !ok {
				t.Errorf("%s: metric %s is not exposed by gocsan", where, n)
				continue
			}
			for l := range got {
				labels[l] = true
			}
		}
		var used []string
		for _, m := range byRe.FindAllStringSubmatch(expr, -1) {
			for _, l := range strings.Split(m[1], ",") {
				used = append(used, strings.TrimSpace(l))
			}
		}
		for _, m := range legendRe.FindAllStringSubmatch(legend, -1) {
			used = append(used, m[1])
		}
		for _, l := range used {
			if l != "" && !labels[l] {
				t.Errorf("%s: label %q is not on %v", where, l, names)
			}
		}
	}
	for _, p := range d.Panels {
		where := "panel " + p.Title
		if p.Type == "" || p.GridPos == nil || p.GridPos.W == 0 || p.GridPos.H == 0 {
			t.Errorf("%s: no type or position", where)
		}
		if len(p.Targets) == 0 {
			t.Errorf("%s: no queries", where)
		}
		refs := map[string]bool{}
		for _, tg := range p.Targets {
			if tg.RefID == "" || refs[tg.RefID] {
				t.Errorf("%s: missing or repeated refId %q", where, tg.RefID)
			}
			refs[tg.RefID] = true
			check(where, tg.Expr, tg.LegendFormat)
		}
	}
	for _, v := range d.Templating.List {
		if v.Definition != "" {
			check("variable "+v.Name, v.Definition, "")
		}
	}
	// The dashboard shows every metric gocsan exposes (the process
	// metrics of the serving gocsan itself aside).
	var missing []string
	for n := range exp {
		if !queried[n] && strings.HasPrefix(n, "gocsan_") {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	if len(missing) != 0 {
		t.Errorf("metrics on no panel: %v", missing)
	}
	if d.UID == "" || d.Title == "" {
		t.Error("dashboard without uid or title")
	}
}
