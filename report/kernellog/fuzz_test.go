package kernellog

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gocsan/gocsan/report"
)

// FuzzParse feeds arbitrary bytes to the parser, alone and between two
// copies of a real report. It must never panic, every report it returns
// must be well formed, and the surrounding real report must come out
// unchanged whatever the garbage before it: garbage never loses a
// neighbouring report.
//
// Seeds: f.Add below and the committed corpus in testdata/fuzz/FuzzParse.
// CI runs: go test ./report/kernellog -run '^$' -fuzz '^FuzzParse$' -fuzztime 20s
func FuzzParse(f *testing.F) {
	src := readFixture(f, "notes-examples.log")
	blocks := splitReportsF(src)
	f.Add([]byte(src))
	for _, b := range blocks {
		f.Add([]byte(b))
		f.Add([]byte(b[:len(b)/2]))
	}
	f.Add([]byte("[   T40] BUG: KCSAN: data-race in a / b\n[   T41] read to 0x1 of 8 bytes by task 1 on cpu 0:\n"))
	f.Add([]byte("BUG: KCSAN: assert: race in x\n |\n +-> reordered to: f+0x1/0x2\n"))

	known := blocks[0]
	alone, _, err := Parse(strings.NewReader(known), "known")
	if err != nil || len(alone) != 1 {
		f.Fatalf("known report: %v, %d reports", err, len(alone))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		in := string(data)
		rs, ss, err := Parse(strings.NewReader(in), "fuzz")
		if err != nil {
			t.Fatal(err)
		}
		if max := strings.Count(in, "BUG: KCSAN: "); len(rs) > max {
			t.Fatalf("%d reports from %d headers", len(rs), max)
		}
		lines := strings.Count(in, "\n") + 1
		for _, s := range ss {
			if s.Line < 1 || s.Line > lines || s.Reason == "" || s.Name != "fuzz" {
				t.Fatalf("bad skip %+v (input has %d lines)", s, lines)
			}
		}
		for _, r := range rs {
			checkWellFormed(t, r)
		}

		// The same garbage between two copies of a real report.
		rs2, _, err := Parse(strings.NewReader(known+in+"\n"+known), "fuzz")
		if err != nil {
			t.Fatal(err)
		}
		if len(rs2) < 2 || !reflect.DeepEqual(rs2[0], alone[0]) {
			t.Fatalf("the report before the garbage was lost or changed")
		}
		found := false
		for _, r := range rs2[1:] {
			if reflect.DeepEqual(r, alone[0]) {
				found = true
			}
		}
		if !found {
			t.Fatalf("the report after the garbage was lost or changed")
		}
	})
}

func checkWellFormed(t *testing.T, r *report.Report) {
	t.Helper()
	switch r.Kind {
	case report.KindDataRace, report.KindAssert:
		if len(r.Accesses) < 1 || len(r.Accesses) > 2 {
			t.Fatalf("%s report with %d accesses", r.Kind, len(r.Accesses))
		}
	case report.KindUnknownOrigin:
		if len(r.Accesses) != 1 {
			t.Fatalf("unknown-origin report with %d accesses", len(r.Accesses))
		}
	default:
		t.Fatalf("kind %q", r.Kind)
	}
	if r.Source != "kernel" || r.Raw == "" || r.Title == "" {
		t.Fatalf("report without source, raw text or title: %+v", r)
	}
	for _, a := range r.Accesses {
		if len(a.Stack) > maxFrames {
			t.Fatalf("%d frames", len(a.Stack))
		}
		if a.Interrupt != (a.Goroutine == -1) {
			t.Fatalf("interrupt %v with goroutine %d", a.Interrupt, a.Goroutine)
		}
	}
}

// splitReportsF is splitReports for a *testing.F.
func splitReportsF(s string) []string {
	var blocks []string
	var cur []string
	in := false
	for _, l := range strings.Split(s, "\n") {
		m, _ := SplitPrefix(l)
		if m == report.Separator {
			if in {
				blocks = append(blocks, strings.Join(append(cur, l), "\n")+"\n")
				cur, in = nil, false
				continue
			}
			in = true
		}
		if in {
			cur = append(cur, l)
		}
	}
	return blocks
}
