package kernellog

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/gocsan/gocsan/report"
)

// notes-examples.log holds the verbatim reports of kernel-notes.md (a
// real 6.12 KCSAN kernel) plus one interleaved KUnit line and a scoped
// assert completed from the same notes.
func readFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func parseString(t testing.TB, s string) ([]*report.Report, []Skip) {
	t.Helper()
	rs, ss, err := Parse(strings.NewReader(s), "test.log")
	if err != nil {
		t.Fatal(err)
	}
	return rs, ss
}

func frames(fs ...string) []report.Frame {
	var out []report.Frame
	for _, s := range fs {
		f, ok := ParseFrame(s)
		if !ok {
			panic("bad frame in test: " + s)
		}
		out = append(out, f)
	}
	return out
}

var threadTail = []string{"access_thread+0x59/0xb0", "kthread+0x151/0x190", "ret_from_fork+0x28/0x40", "ret_from_fork_asm+0x11/0x20"}

func stack(top ...string) []report.Frame { return frames(append(top, threadTail...)...) }

// wantNotes is what the four reports of notes-examples.log must become.
func wantNotes() []*report.Report {
	return []*report.Report{{
		Kind:  report.KindDataRace,
		Title: "data-race in test_kernel_read / test_kernel_write",
		Accesses: []report.Access{
			{Op: report.OpWrite, Addr: 0xffffffff81e496e0, Size: 8, Goroutine: 39, CPU: 1, Stack: stack("test_kernel_write+0x19/0x30")},
			{Op: report.OpRead, Addr: 0xffffffff81e496e0, Size: 8, Goroutine: 40, CPU: 0, Stack: stack("test_kernel_read+0x10/0x20")},
		},
		ValueChanged: true, Old: 0x5fbc8, New: 0x60670,
		Source:  "kernel",
		Process: "CPU: 0 UID: 0 PID: 40 Comm: access_thread Tainted: G                 N 6.12.117-kcsan #2",
	}, {
		Kind:  report.KindUnknownOrigin,
		Title: "data-race in test_kernel_read+0x10/0x20",
		Accesses: []report.Access{
			{Op: report.OpRead, Addr: 0xffffffff81e496e0, Size: 8, Goroutine: 55, CPU: 0, Stack: stack("test_kernel_read+0x10/0x20")},
		},
		ValueChanged: true, Old: 0x3514, New: 0x3c75,
		Source:  "kernel",
		Process: "CPU: 0 UID: 0 PID: 55 Comm: access_thread Tainted: G                 N 6.12.117-kcsan #2",
	}, {
		Kind:  report.KindAssert,
		Title: "assert: race in test_kernel_assert_bits_change / test_kernel_change_bits",
		Accesses: []report.Access{
			{Op: report.OpWrite, Marked: true, Addr: 0xffffffff81e496e0, Size: 8, Goroutine: -1, CPU: 1, Interrupt: true,
				Stack: stack("test_kernel_change_bits+0x2c/0x40", "access_thread_timer+0x3c/0x40", "call_timer_fn+0x34/0x1e0",
					"run_timer_softirq+0x49c/0x5c0", "handle_softirqs+0xcc/0x2c0", "sysvec_apic_timer_interrupt+0x67/0x80",
					"asm_sysvec_apic_timer_interrupt+0x16/0x20", "test_kernel_assert_bits_change+0x0/0x40")},
			{Op: report.OpRead, Assert: true, Addr: 0xffffffff81e496e0, Size: 8, Goroutine: 108, CPU: 0, Stack: stack("test_kernel_assert_bits_change+0x24/0x40")},
		},
		ValueChanged: true, Old: 0xff00ff2a, New: 0x2a, Mask: 0xff00ff00,
		Source:  "kernel",
		Process: "CPU: 0 UID: 0 PID: 108 Comm: access_thread Tainted: G                 N 6.12.117-kcsan #2",
	}, {
		Kind:  report.KindAssert,
		Title: "assert: race in test_kernel_assert_writer_scoped / test_kernel_write_nochange",
		Accesses: []report.Access{
			{Op: report.OpWrite, Addr: 0xffffffff81e496e0, Size: 8, Goroutine: 116, CPU: 1, Stack: stack("test_kernel_write_nochange+0x12/0x20")},
			{Op: report.OpRead, Assert: true, Reordered: true, Addr: 0xffffffff81e496e0, Size: 8, Goroutine: 115, CPU: 0,
				Stack: stack("test_kernel_assert_writer_scoped+0x36/0x50"), ReorderedTo: &frames("test_kernel_assert_writer_scoped+0x3b/0x50")[0]},
		},
		Source:  "kernel",
		Process: "CPU: 0 UID: 0 PID: 115 Comm: access_thread Tainted: G                 N 6.12.117-kcsan #2",
	}}
}

// strip returns copies of rs without Raw, for comparisons across input
// formats.
func strip(rs []*report.Report) []*report.Report {
	out := make([]*report.Report, len(rs))
	for i, r := range rs {
		c := *r
		c.Raw = ""
		out[i] = &c
	}
	return out
}

func diff(t *testing.T, got, want []*report.Report) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d reports, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("report %d:\n got %+v\nwant %+v", i, *got[i], *want[i])
		}
	}
}

func TestNotesExamples(t *testing.T) {
	rs, ss := parseString(t, readFixture(t, "notes-examples.log"))
	diff(t, strip(rs), wantNotes())
	// The interleaved KUnit line is the only skip, named by its line.
	if len(ss) != 1 || ss[0].Line != 35 || !strings.Contains(ss[0].Reason, "interleaved") {
		t.Errorf("skips: %v", ss)
	}
	if len(rs) == 4 {
		raw := rs[0].Raw
		if !strings.HasPrefix(raw, "[    8.299921] =====") || !strings.HasSuffix(raw, "[    8.328015] "+report.Separator+"\n") {
			t.Errorf("raw text of report 0:\n%s", raw)
		}
		if strings.Contains(rs[1].Raw, "KUnit") {
			t.Errorf("interleaved line kept in Raw:\n%s", rs[1].Raw)
		}
	}
}

// transform rewrites every line of a log.
func transform(s string, f func(i int, line string) string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i := range lines {
		lines[i] = f(i, lines[i])
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestPrefixVariants(t *testing.T) {
	src := readFixture(t, "notes-examples.log")
	noTS := func(_ int, l string) string { m, _ := SplitPrefix(l); return m }
	variants := map[string]string{
		"no timestamps": transform(src, noTS),
		"CRLF":          transform(src, func(_ int, l string) string { return l + "\r" }),
		"caller id": transform(src, func(_ int, l string) string {
			return l[:14] + "[   T40]" + l[14:]
		}),
		"caller id only": transform(src, func(i int, l string) string { return "[    C1] " + noTS(i, l) }),
		"syslog level":   transform(src, func(_ int, l string) string { return "<3>" + l }),
	}
	for name, in := range variants {
		t.Run(name, func(t *testing.T) {
			rs, ss := parseString(t, in)
			diff(t, strip(rs), wantNotes())
			if len(ss) != 1 {
				t.Errorf("skips: %v", ss)
			}
		})
	}
}

// Two reports printed at the same time from two contexts, told apart by
// their printk caller ids, line by line alternately.
func TestInterleavedCallers(t *testing.T) {
	want := wantNotes()
	blocks := splitReports(t, readFixture(t, "notes-examples.log"))
	a := strings.Split(strings.TrimSuffix(blocks[0], "\n"), "\n")
	b := strings.Split(strings.TrimSuffix(blocks[2], "\n"), "\n")
	var out []string
	for i := 0; i < len(a) || i < len(b); i++ {
		if i < len(a) {
			out = append(out, a[i][:14]+"[   T40]"+a[i][14:])
		}
		if i < len(b) {
			out = append(out, b[i][:14]+"[    C1]"+b[i][14:])
		}
	}
	rs, ss := parseString(t, strings.Join(out, "\n")+"\n")
	if len(ss) != 0 {
		t.Errorf("skips: %v", ss)
	}
	if len(rs) != 2 {
		t.Fatalf("got %d reports", len(rs))
	}
	// Completed in order of their closing lines: the shorter first.
	diff(t, strip(rs), []*report.Report{want[0], want[2]})
}

// splitReports cuts the fixture into its four report blocks (from the
// opening separator to the closing one).
func splitReports(t *testing.T, s string) []string {
	blocks := splitReportsF(s)
	if len(blocks) != 4 {
		t.Fatalf("fixture has %d blocks", len(blocks))
	}
	return blocks
}

// Cut the log after every line: no panic, every report whose closing
// line is in the prefix is intact, a cut report is kept if it has an
// access, and a complete report appended after the cut is never lost.
func TestTruncatedEverywhere(t *testing.T) {
	src := readFixture(t, "notes-examples.log")
	full, _ := parseString(t, src)
	lines := strings.SplitAfter(src, "\n")
	tail := splitReports(t, src)[0]
	for n := 0; n <= len(lines); n++ {
		prefix := strings.Join(lines[:n], "")
		rs, ss := parseString(t, prefix)
		complete := 0
		for _, r := range full {
			rl := strings.Split(strings.TrimSuffix(r.Raw, "\n"), "\n")
			if strings.Contains(prefix, rl[len(rl)-1]+"\n") {
				complete++
			}
		}
		if len(rs) < complete || len(rs) > complete+1 {
			t.Fatalf("cut after %d lines: %d reports, %d complete", n, len(rs), complete)
		}
		for i := 0; i < complete; i++ {
			if !reflect.DeepEqual(rs[i], full[i]) {
				t.Fatalf("cut after %d lines: report %d differs", n, i)
			}
		}
		if len(rs) > complete {
			if last := rs[len(rs)-1]; len(last.Accesses) == 0 || len(ss) == 0 {
				t.Fatalf("cut after %d lines: truncated report without access or without a skip", n)
			}
		}
		// A cut line (no newline), then a whole report.
		cut := prefix
		if n < len(lines) {
			cut += lines[n][:len(lines[n])/2]
		}
		rs2, _ := parseString(t, cut+"\n"+tail)
		if len(rs2) == 0 || !reflect.DeepEqual(strip(rs2[len(rs2)-1:]), strip(full[:1])) {
			t.Fatalf("cut after %d.5 lines: the following report was lost or changed", n)
		}
	}
}

func TestGarbageInsideReport(t *testing.T) {
	src := readFixture(t, "notes-examples.log")
	garbage := []string{
		"[    8.307400] read to 0xZZZZ of 8 bytes by task 1 on cpu 0:",
		"[    8.307400] write to 0x10 of 8 bytes by goroutine 3 on cpu 0:",
		"[    8.307400] value changed: 0x12 => 0x13",
		"[    8.307400]  bits changed: nonsense",
		"[    8.307400]   +-> reordered to: ???",
		"[    8.307400] \x00\xff\xfe binary junk",
		"[    8.307400] Reported by Kernel Concurrency Sanitizer on:",
	}
	for _, g := range garbage[:6] {
		t.Run(g[15:], func(t *testing.T) {
			// After the first frame of the first report.
			in := strings.Replace(src, "test_kernel_write+0x19/0x30\n", "test_kernel_write+0x19/0x30\n"+g+"\n", 1)
			rs, ss := parseString(t, in)
			diff(t, strip(rs), wantNotes())
			found := false
			for _, s := range ss {
				if s.Line == 7 && s.Name == "test.log" {
					found = true
				}
			}
			if !found {
				t.Errorf("no skip naming line 7: %v", ss)
			}
		})
	}
	// A premature footer ends the stack: the following frames are
	// skipped with a reason, the report and its neighbours survive.
	in := strings.Replace(src, "test_kernel_write+0x19/0x30\n", "test_kernel_write+0x19/0x30\n"+garbage[6]+"\n", 1)
	rs, ss := parseString(t, in)
	if len(rs) != 4 || !reflect.DeepEqual(strip(rs[1:]), wantNotes()[1:]) {
		t.Fatalf("neighbours lost: %d reports", len(rs))
	}
	if len(ss) < 2 {
		t.Errorf("skips: %v", ss)
	}
}

// A BUG line with an unknown title and a header with no accesses are
// skipped with a reason; the next report is intact.
func TestBadHeaders(t *testing.T) {
	blocks := splitReports(t, readFixture(t, "notes-examples.log"))
	in := "BUG: KCSAN: something else\n" + report.Separator + "\nBUG: KCSAN: data-race in a / b\n\n" + report.Separator + "\n" + blocks[1]
	rs, ss := parseString(t, in)
	diff(t, strip(rs), wantNotes()[1:2])
	if len(ss) != 3 || ss[0].Line != 1 || !strings.Contains(ss[0].Reason, "not a KCSAN report title") ||
		ss[1].Line != 3 || !strings.Contains(ss[1].Reason, "no access line") {
		t.Errorf("skips: %v", ss)
	}
}

func TestParseFrame(t *testing.T) {
	for _, c := range []struct {
		in   string
		want report.Frame
		ok   bool
	}{
		{" test_kernel_write+0x19/0x30", report.Frame{Function: "test_kernel_write", Offset: 0x19, SymSize: 0x30}, true},
		{"kcsan_test_fn.constprop.0+0x1d/0x30 [kcsan_test]", report.Frame{Function: "kcsan_test_fn.constprop.0", Offset: 0x1d, SymSize: 0x30, Module: "kcsan_test"}, true},
		{"f+0x0/0x40 [mod 0123abcd]", report.Frame{Function: "f", SymSize: 0x40, Module: "mod"}, true},
		{"? f+0x1/0x2", report.Frame{Function: "f", Offset: 1, SymSize: 2}, true},
		{"0xffffffffc0001234", report.Frame{Function: "0xffffffffc0001234", PC: 0xffffffffc0001234}, true},
		{"f+0x1", report.Frame{}, false},
		{"+0x1/0x2", report.Frame{}, false},
		{"f g+0x1/0x2", report.Frame{}, false},
		{"f+0xzz/0x2", report.Frame{}, false},
		{"f+0x1/0x2 [a b c]", report.Frame{}, false},
		{"f+0x1/0x2 [mod", report.Frame{}, false},
		{"0xnothex", report.Frame{}, false},
	} {
		got, ok := ParseFrame(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseFrame(%q) = %+v, %v; want %+v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// Every access type string of get_access_type (kcsan-notes 4.2) parses
// and prints back identically through report.Access.TypeString.
func TestAccessTypes(t *testing.T) {
	types := []string{"read", "read (marked)", "write", "write (marked)", "read-write", "read-write (marked)",
		"read (reordered)", "read (marked, reordered)", "write (reordered)", "write (marked, reordered)",
		"read-write (reordered)", "read-write (marked, reordered)",
		"assert no writes", "assert no accesses", "assert no writes (reordered)", "assert no accesses (reordered)"}
	for _, ty := range types {
		for _, who := range []string{"task 7", "interrupt"} {
			line := fmt.Sprintf("%s to 0xffffffff81e496e0 of 4 bytes by %s on cpu 3:", ty, who)
			a, unknown, err := parseAccess(line)
			if err != nil || unknown {
				t.Errorf("%q: %v", line, err)
				continue
			}
			if a.TypeString() != ty || a.Size != 4 || a.CPU != 3 || a.Addr != 0xffffffff81e496e0 {
				t.Errorf("%q: parsed %+v", line, a)
			}
			if (who == "interrupt") != a.Interrupt || (a.Interrupt && a.Goroutine != -1) || (!a.Interrupt && a.Goroutine != 7) {
				t.Errorf("%q: context %+v", line, a)
			}
		}
	}
	for _, bad := range []string{
		"assert no writes (marked) to 0x1 of 8 bytes by task 1 on cpu 0:",
		"read (atomic) to 0x1 of 8 bytes by task 1 on cpu 0:",
		"read to 0x1 of -8 bytes by task 1 on cpu 0:",
		"read to 0x1 of 8 bytes by task -1 on cpu 0:",
		"read to 0x1 of 8 bytes by task 1 on cpu 0",
		"read to 0x1 of 8 bytes by task 1 on cpu x:",
		"read to 0x1 of 8 bytes by softirq on cpu 0:",
		"peek to 0x1 of 8 bytes by task 1 on cpu 0:",
	} {
		if _, _, err := parseAccess(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// report.WriteText of a kernel report is itself parseable back into the
// same accesses: gocsan's text output can be fed to kernel tooling and
// to gocsan again.
func TestTextRoundTrip(t *testing.T) {
	for _, want := range wantNotes() {
		rs, _ := parseString(t, report.Text(want))
		if len(rs) != 1 {
			t.Fatalf("%s: %d reports", want.Title, len(rs))
		}
		got := rs[0]
		if !reflect.DeepEqual(got.Accesses, want.Accesses) || got.Kind != want.Kind || got.Title != want.Title ||
			got.Old != want.Old || got.New != want.New || got.Mask != want.Mask {
			t.Errorf("round trip of %s:\n got %+v\nwant %+v", want.Title, *got, *want)
		}
	}
}

func TestSplitPrefix(t *testing.T) {
	for _, c := range []struct{ in, msg, caller string }{
		{"[    8.299921] BUG: x", "BUG: x", ""},
		{"[    8.299921][   T40] BUG: x", "BUG: x", "T40"},
		{"[   T40] BUG: x", "BUG: x", "T40"},
		{"[    8.307330]  f+0x1/0x2", " f+0x1/0x2", ""},
		{"<4>[    1.000000] x", "x", ""},
		{"[drm] not a prefix", "[drm] not a prefix", ""},
		{"[    8.301978]", "", ""},
		{"plain", "plain", ""},
	} {
		m, c2 := SplitPrefix(c.in)
		if m != c.msg || c2 != c.caller {
			t.Errorf("SplitPrefix(%q) = %q, %q", c.in, m, c2)
		}
	}
}
