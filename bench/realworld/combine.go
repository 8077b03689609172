package realworld

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"
)

// Source is one harness run that combined results took cases from: its
// RunInfo and the ids of the cases it provides.
type Source struct {
	File string `json:"file"` // results file, as named to Combine
	RunInfo
	Races  []string `json:"races,omitempty"`
	Compat []string `json:"compat,omitempty"`
}

// Combine reads results files and merges them in order: a case id seen
// again (a later rerun of some race cases, say) replaces the earlier
// result of that id. The combined results' Sources name, per file, the
// run it was and the cases still taken from it; a file whose cases were
// all replaced is left out. A combined file can itself be combined again.
func Combine(paths []string) (*Results, error) {
	if len(paths) == 0 {
		return nil, errors.New("no results files")
	}
	var all []*Results
	for _, p := range paths {
		res, err := ReadJSON(p)
		if err != nil {
			return nil, err
		}
		all = append(all, res)
	}
	return combine(paths, all), nil
}

// combine merges already read results; paths[i] names all[i].
func combine(paths []string, all []*Results) *Results {
	var sources []Source
	races := map[string]*RaceResult{}
	compat := map[string]*CompatResult{}
	raceFrom := map[string]int{} // case id -> index in sources
	compatFrom := map[string]int{}
	for i, res := range all {
		for _, s := range res.sourceList(filepath.Base(paths[i])) {
			sources = append(sources, s)
			k := len(sources) - 1
			for _, id := range s.Races {
				raceFrom[id] = k
			}
			for _, id := range s.Compat {
				compatFrom[id] = k
			}
		}
		for _, r := range res.Races {
			races[r.ID] = r
		}
		for _, r := range res.Compat {
			compat[r.ID] = r
		}
	}
	out := &Results{}
	for _, id := range sortedKeys(races) {
		out.Races = append(out.Races, races[id])
	}
	for _, id := range sortedKeys(compat) {
		out.Compat = append(out.Compat, compat[id])
	}
	for k := range sources {
		sources[k].Races = idsFrom(raceFrom, k)
		sources[k].Compat = idsFrom(compatFrom, k)
	}
	for _, s := range sources {
		if len(s.Races)+len(s.Compat) > 0 {
			out.Sources = append(out.Sources, s)
		}
	}
	return out
}

// sourceList is res's sources: its own Sources if it was combined, else
// the one run it is, named file, with all its cases.
func (res *Results) sourceList(file string) []Source {
	if len(res.Sources) > 0 {
		return res.Sources
	}
	s := Source{File: file, RunInfo: res.RunInfo}
	for _, r := range res.Races {
		s.Races = append(s.Races, r.ID)
	}
	for _, r := range res.Compat {
		s.Compat = append(s.Compat, r.ID)
	}
	return []Source{s}
}

func idsFrom(from map[string]int, k int) []string {
	var ids []string
	for id, i := range from {
		if i == k {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// describe is one line saying where, when and how s measured, and which
// cases it provides.
func (s Source) describe() string {
	var parts []string
	when := s.Date
	if s.End != "" {
		when += " to " + s.End
		if d := s.wall(); d > 0 {
			when += " (" + d.String() + ")"
		}
	}
	parts = append(parts, when, s.Machine, loadText(s.Load), s.Go)
	if s.Commit != "" {
		parts = append(parts, "gocsan "+s.Commit)
	} else {
		parts = append(parts, "gocsan commit not recorded")
	}
	var cases []string
	if n := len(s.Races); n > 0 {
		cases = append(cases, fmt.Sprintf("%d race cases (%d runs each)", n, s.Runs))
	}
	if n := len(s.Compat); n > 0 {
		cases = append(cases, fmt.Sprintf("%d compat modules (GOMAXPROCS %s)", n, joinInts(s.GOMAXPROCS)))
	}
	parts = append(parts, strings.Join(cases, ", "))
	return strings.Join(parts, "; ")
}

// wall is the time from the start to the last case's end, or 0 when
// either is missing.
func (s Source) wall() time.Duration {
	b, err1 := time.Parse(time.RFC3339, s.Date)
	e, err2 := time.Parse(time.RFC3339, s.End)
	if err1 != nil || err2 != nil {
		return 0
	}
	return e.Sub(b).Round(time.Second)
}

// loadText summarizes the load averages recorded during a run.
func loadText(load []float64) string {
	if len(load) == 0 {
		return "load not recorded"
	}
	lo, hi, sum := math.Inf(1), math.Inf(-1), 0.0
	for _, l := range load {
		lo, hi, sum = math.Min(lo, l), math.Max(hi, l), sum+l
	}
	return fmt.Sprintf("load average %.1f to %.1f (mean %.1f)", lo, hi, sum/float64(len(load)))
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

// profileText names each profile's GOCSAN setting, once when every
// source measured the same profiles, else per source.
func profileText(sources []Source) []string {
	one := func(p map[string]string) string {
		var ps []string
		for _, name := range []string{"default", "ci"} {
			ps = append(ps, fmt.Sprintf("%s `GOCSAN=%s`", name, p[name]))
		}
		return strings.Join(ps, "; ")
	}
	same := true
	for _, s := range sources[1:] {
		same = same && reflect.DeepEqual(s.Profiles, sources[0].Profiles)
	}
	if same {
		return []string{one(sources[0].Profiles)}
	}
	var out []string
	for _, s := range sources {
		out = append(out, s.File+": "+one(s.Profiles))
	}
	return out
}
