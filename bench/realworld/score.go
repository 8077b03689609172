package realworld

import (
	"path/filepath"
	"sort"
	"strconv"
)

// Scoring is by location, never by "some report appeared": a report
// counts for a case only when a frame of one of its access stacks (not a
// creation stack) is at a recorded access location, file base name and
// line. Any frame counts, not only the top one: when the racing memory is
// inside a standard-library type, -race's top frames are in std and the
// corpus records the first frame inside the module.

// atLocation reports whether some access stack of r has a frame at one of
// the locations in accs.
func atLocation(r Report, accs []Access) bool {
	return anyAccessFrame(r, func(f Frame) bool {
		for _, a := range accs {
			if f.Line == a.Line && filepath.Base(f.File) == a.File {
				return true
			}
		}
		return false
	})
}

func anyAccessFrame(r Report, match func(Frame) bool) bool {
	for _, s := range r.Accesses {
		for _, f := range s {
			if match(f) {
				return true
			}
		}
	}
	return false
}

// Score is the outcome of one run for one case.
type Score struct {
	Found     bool     // some report is at a recorded location
	Elsewhere []string // summaries of the reports that are not
}

func score(reports []Report, accs []Access) Score {
	var s Score
	for _, r := range reports {
		if atLocation(r, accs) {
			s.Found = true
		} else {
			s.Elsewhere = append(s.Elsewhere, r.Summary())
		}
	}
	return s
}

// tally counts equal strings, for the triage list.
type tally map[string]int

func (t tally) add(ss []string) {
	for _, s := range ss {
		t[s]++
	}
}

// sorted lists "summary (xN)" most frequent first.
func (t tally) sorted() []string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if t[keys[i]] != t[keys[j]] {
			return t[keys[i]] > t[keys[j]]
		}
		return keys[i] < keys[j]
	})
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k + " (x" + strconv.Itoa(t[k]) + ")"
	}
	return out
}
