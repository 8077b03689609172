package fingerprint

import (
	"strings"
	"testing"

	"github.com/gocsan/gocsan/report"
)

func race(wfn, wfile string, wline int, rfn, rfile string, rline int) *report.Report {
	return &report.Report{
		Kind: report.KindDataRace,
		Accesses: []report.Access{
			{Op: report.OpWrite, Addr: 0xc000010000, Goroutine: 7, Stack: []report.Frame{{Function: wfn, File: wfile, Line: wline}}},
			{Op: report.OpRead, Addr: 0xc000010000, Goroutine: 8, Stack: []report.Frame{{Function: rfn, File: rfile, Line: rline}}},
		},
	}
}

func TestStableAcrossLinesOrderAndCheckouts(t *testing.T) {
	base := Of(race("m.writer", "/src/m/w.go", 12, "m.reader", "/src/m/r.go", 5))
	if !strings.HasPrefix(base, "v1:") || len(base) != 3+32 {
		t.Fatalf("fingerprint %q: want v1: and 32 hex digits", base)
	}
	same := []*report.Report{
		race("m.writer", "/src/m/w.go", 40, "m.reader", "/src/m/r.go", 7),                   // lines moved
		race("m.reader", "/src/m/r.go", 5, "m.writer", "/src/m/w.go", 12),                   // other watcher
		race("m.writer", "/home/ci/work/m/w.go", 12, "m.reader", "/home/ci/work/m/r.go", 5), // other checkout
		race("m.writer", `C:\work\m\w.go`, 12, "m.reader", `C:\work\m\r.go`, 5),             // Windows paths
	}
	for i, r := range same {
		if got := Of(r); got != base {
			t.Errorf("case %d: %s, want %s", i, got, base)
		}
	}
	differ := []*report.Report{
		race("m.writer2", "/src/m/w.go", 12, "m.reader", "/src/m/r.go", 5),
		race("m.writer", "/src/m/w2.go", 12, "m.reader", "/src/m/r.go", 5),
		race("m.writer", "/src/m/w.go", 12, "m.writer", "/src/m/w.go", 5),
	}
	seen := map[string]bool{base: true}
	for i, r := range differ {
		got := Of(r)
		if seen[got] {
			t.Errorf("case %d: fingerprint %s collides", i, got)
		}
		seen[got] = true
	}
	k := race("m.writer", "/src/m/w.go", 12, "m.reader", "/src/m/r.go", 5)
	k.Kind = report.KindAssert
	if Of(k) == base {
		t.Error("kind not part of the fingerprint")
	}
}

func TestEmptyAndSingleAccess(t *testing.T) {
	if Of(&report.Report{Kind: report.KindDataRace}) == "" {
		t.Error("empty fingerprint for a report without accesses")
	}
	u := &report.Report{Kind: report.KindUnknownOrigin, Accesses: []report.Access{{Stack: []report.Frame{{Function: "m.f", File: "/a/f.go", Line: 3}}}}}
	v := &report.Report{Kind: report.KindUnknownOrigin, Accesses: []report.Access{{Stack: []report.Frame{{Function: "m.f", File: "/b/f.go", Line: 9}}}}}
	if Of(u) != Of(v) {
		t.Error("unknown-origin fingerprint depends on line or directory")
	}
}
