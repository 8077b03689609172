package report

import (
	"strings"
	"testing"
	"time"
)

func sample() *Report {
	r := &Report{
		Kind: KindDataRace,
		Accesses: []Access{
			{Op: OpWrite, Addr: 0xc000012345, Size: 8, Goroutine: 7, CPU: -1,
				Stack:     []Frame{{Function: "example.com/m.writer", File: "/src/m/w.go", Line: 12}},
				CreatedBy: &Frame{Function: "example.com/m.Start", File: "/src/m/s.go", Line: 30}, CreatorGoroutine: 1},
			{Op: OpRead, Addr: 0xc000012345, Size: 8, Goroutine: 8, CPU: -1,
				Stack: []Frame{{Function: "example.com/m.reader", File: "/src/m/r.go", Line: 5}, {Function: "example.com/m.Loop", File: "/src/m/r.go", Line: 9}}},
		},
		ValueChanged: true, Old: 0x9a6, New: 0x9b2,
		Time: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC),
	}
	r.Title = MakeTitle(r)
	return r
}

func TestMakeTitleSorted(t *testing.T) {
	r := sample()
	if r.Title != "data-race in example.com/m.reader / example.com/m.writer" {
		t.Errorf("title %q", r.Title)
	}
	r.Accesses[0], r.Accesses[1] = r.Accesses[1], r.Accesses[0]
	if MakeTitle(r) != r.Title {
		t.Errorf("title depends on order: %q", MakeTitle(r))
	}
	r.Kind = KindAssert
	if got := MakeTitle(r); !strings.HasPrefix(got, "assert: race in ") {
		t.Errorf("assert title %q", got)
	}
	u := &Report{Kind: KindUnknownOrigin, Accesses: []Access{{Stack: []Frame{{Function: "test_kernel_read", Offset: 0x10, SymSize: 0x20}}}}}
	if got := MakeTitle(u); got != "data-race in test_kernel_read+0x10/0x20" {
		t.Errorf("unknown-origin title %q", got)
	}
}

func TestTextLayout(t *testing.T) {
	want := `==================================================================
BUG: KCSAN: data-race in example.com/m.reader / example.com/m.writer

write to 0x000000c000012345 of 8 bytes by goroutine 7:
 example.com/m.writer()
     /src/m/w.go:12

goroutine 7 created by example.com/m.Start in goroutine 1 at:
 example.com/m.Start()
     /src/m/s.go:30

read to 0x000000c000012345 of 8 bytes by goroutine 8:
 example.com/m.reader()
     /src/m/r.go:5
 example.com/m.Loop()
     /src/m/r.go:9

value changed: 0x00000000000009a6 -> 0x00000000000009b2
==================================================================
`
	if got := Text(sample()); got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
}

func TestTypeStrings(t *testing.T) {
	for _, c := range []struct {
		a    Access
		want string
	}{
		{Access{Op: OpRead}, "read"},
		{Access{Op: OpWrite, Marked: true}, "write (marked)"},
		{Access{Op: OpReadWrite, Marked: true, Reordered: true}, "read-write (marked, reordered)"},
		{Access{Op: OpRead, Assert: true}, "assert no writes"},
		{Access{Op: OpWrite, Assert: true, Reordered: true}, "assert no accesses (reordered)"},
		{Access{Op: OpWrite, Reordered: true}, "write (reordered)"},
	} {
		if got := c.a.TypeString(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.a, got, c.want)
		}
	}
}

func TestJSONRoundTripAndGarbage(t *testing.T) {
	r := sample()
	line, err := MarshalLine(r)
	if err != nil {
		t.Fatal(err)
	}
	in := string(line) + "\n{not json\n" + string(line) + `{"kind":"data-race","title":"trunc`
	got, errs := ReadJSON(strings.NewReader(in), "reports.jsonl")
	if len(got) != 2 {
		t.Fatalf("got %d reports, want 2 (errs %v)", len(got), errs)
	}
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "reports.jsonl:3:") || !strings.Contains(errs[1].Error(), "reports.jsonl:5:") {
		t.Errorf("errors do not name the lines: %v", errs)
	}
	if Text(got[0]) != Text(r) {
		t.Errorf("round trip changed the report:\n%s", Text(got[0]))
	}
}

func TestRateLimitAndDedup(t *testing.T) {
	l := RateLimiter{Window: 3 * time.Second}
	now := time.Now()
	a, b := sample(), sample()
	b.Accesses[0], b.Accesses[1] = b.Accesses[1], b.Accesses[0] // same pair, other watcher
	if !l.Allow(a, now) || l.Allow(b, now.Add(time.Second)) {
		t.Error("same pair within the window not suppressed")
	}
	if !l.Allow(b, now.Add(4*time.Second)) {
		t.Error("same pair after the window suppressed")
	}
	c := sample()
	c.Accesses[1].Stack[0].Line = 6
	if !l.Allow(c, now.Add(4*time.Second)) {
		t.Error("different pair suppressed")
	}
	u, n := Dedup([]*Report{a, b, c, a})
	if len(u) != 2 || n[0] != 3 || n[1] != 1 {
		t.Errorf("dedup: %d unique, counts %v", len(u), n)
	}
}
