package baseline

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gocsan/gocsan/report"
)

func race(w, r string, line int) *report.Report {
	rep := &report.Report{Kind: report.KindDataRace, Accesses: []report.Access{
		{Op: report.OpWrite, Stack: []report.Frame{{Function: w, File: "/src/w.go", Line: line}}},
		{Op: report.OpRead, Stack: []report.Frame{{Function: r, File: "/src/r.go", Line: line + 1}}},
	}}
	rep.Title = report.MakeTitle(rep)
	return rep
}

func TestRoundTripAndNewRaces(t *testing.T) {
	old := []*report.Report{race("m.a", "m.b", 10), race("m.c", "m.d", 20), race("m.a", "m.b", 10)}
	var buf bytes.Buffer
	if err := New(old).Write(&buf); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), `"fingerprint"`); n != 2 {
		t.Errorf("%d entries, want 2 (duplicates merged):\n%s", n, buf.String())
	}
	b, err := Read(&buf, "baseline.json")
	if err != nil {
		t.Fatal(err)
	}
	// The same races with lines moved are known; a new pair is not.
	moved := race("m.a", "m.b", 55)
	moved.Accesses[0], moved.Accesses[1] = moved.Accesses[1], moved.Accesses[0]
	fresh := race("m.a", "m.e", 10)
	got, counts := b.New([]*report.Report{moved, fresh}, []int{4, 2})
	if len(got) != 1 || got[0] != fresh || len(counts) != 1 || counts[0] != 2 {
		t.Errorf("new races %v counts %v", got, counts)
	}
}

func TestBadFilesNameTheirPlace(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"{\n  \"format\": \"gocsan-baseline/1\",\n  \"races\": [\n    {\"fingerprint\": 3}\n  ]\n}", "b.json:4:"},
		{"{\n  \"format\": \"gocsan-baseline/1\",\n  \"races\": [,]\n}", "b.json:3:"},
		{`{"format": "other"}`, `format "other"`},
		{`{"format": "gocsan-baseline/1", "races": [{"fingerprint": "abc"}]}`, "race 1"},
		{`{"format": "gocsan-baseline/1", "extra": 1}`, "unknown field"},
		{``, "b.json"},
	} {
		_, err := Read(strings.NewReader(c.in), "b.json")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want it to contain %q", c.in, err, c.want)
		}
	}
}
