package baseline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/fingerprint"
)

// Format is the value of the file's "format" field.
const Format = "gocsan-baseline/1"

// Entry is one accepted race.
type Entry struct {
	Fingerprint string `json:"fingerprint"`
	Kind        string `json:"kind"`
	Title       string `json:"title"`
}

// Baseline is a set of accepted races.
type Baseline struct {
	Format  string  `json:"format"`
	Entries []Entry `json:"races"`
	index   map[string]bool
}

// New returns the baseline accepting every one of reports, sorted by
// title so that regenerating it gives a readable diff.
func New(reports []*report.Report) *Baseline {
	b := &Baseline{Format: Format, Entries: []Entry{}}
	seen := map[string]bool{}
	for _, r := range reports {
		fp := fingerprint.Of(r)
		if seen[fp] {
			continue
		}
		seen[fp] = true
		b.Entries = append(b.Entries, Entry{Fingerprint: fp, Kind: string(r.Kind), Title: r.Title})
	}
	sort.Slice(b.Entries, func(i, j int) bool {
		if b.Entries[i].Title != b.Entries[j].Title {
			return b.Entries[i].Title < b.Entries[j].Title
		}
		return b.Entries[i].Fingerprint < b.Entries[j].Fingerprint
	})
	b.reindex()
	return b
}

func (b *Baseline) reindex() {
	b.index = make(map[string]bool, len(b.Entries))
	for _, e := range b.Entries {
		b.index[e.Fingerprint] = true
	}
}

// Write writes b as indented JSON.
func (b *Baseline) Write(w io.Writer) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// Contains reports whether r is an accepted race.
func (b *Baseline) Contains(r *report.Report) bool {
	return b.index[fingerprint.Of(r)]
}

// New returns the reports not in the baseline, in order, and their
// counts (counts may be nil).
func (b *Baseline) New(reports []*report.Report, counts []int) (fresh []*report.Report, freshCounts []int) {
	for i, r := range reports {
		if b.Contains(r) {
			continue
		}
		fresh = append(fresh, r)
		if i < len(counts) {
			freshCounts = append(freshCounts, counts[i])
		}
	}
	return fresh, freshCounts
}

// Read parses a baseline; name is used in errors, which give the line
// and column of a syntax error.
func Read(rd io.Reader, name string) (*Baseline, error) {
	data, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	var b Baseline
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line, col := position(data, se.Offset)
			return nil, fmt.Errorf("%s:%d:%d: not a gocsan baseline: %v", name, line, col, err)
		case errors.As(err, &te):
			line, col := position(data, te.Offset)
			return nil, fmt.Errorf("%s:%d:%d: not a gocsan baseline: %v", name, line, col, err)
		}
		return nil, fmt.Errorf("%s: not a gocsan baseline: %v", name, err)
	}
	if b.Format != Format {
		return nil, fmt.Errorf("%s: format %q, want %q (write one with: gocsan report baseline -o %s reports.jsonl)", name, b.Format, Format, name)
	}
	for i, e := range b.Entries {
		if !strings.HasPrefix(e.Fingerprint, fingerprint.Version+":") {
			return nil, fmt.Errorf("%s: race %d (%q): fingerprint %q is not a %s fingerprint", name, i+1, e.Title, e.Fingerprint, fingerprint.Version)
		}
	}
	b.reindex()
	return &b, nil
}

// ReadFile reads the baseline in path.
func ReadFile(path string) (*Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

func position(data []byte, off int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < off && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
