package kernellog

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/gocsan/gocsan/report"
)

// realLog is the serial console of a real KCSAN kernel (Linux 6.12 with
// the KCSAN KUnit suite) captured by scripts/kernel/build-and-boot.sh:
// CRLF line ends, printk timestamps, unrelated console lines, some of
// them interleaved into reports by other CPUs.
const realLog = "../../testdata/kernel/console.log"

// guestLog is the console of a second boot (--guest-watch) in which the
// suite ran twice, 48 reports.
const guestLog = "../../testdata/kernel/guest-console.log"

func TestRealConsoleLog(t *testing.T) {
	for _, path := range []string{realLog, guestLog} {
		t.Run(strings.TrimPrefix(path, "../../testdata/kernel/"), func(t *testing.T) { testRealLog(t, path) })
	}
}

func testRealLog(t *testing.T, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	headers := 0
	var titles []string
	for _, l := range strings.Split(string(b), "\n") {
		if i := strings.Index(l, "BUG: KCSAN: "); i >= 0 {
			headers++
			titles = append(titles, strings.TrimRight(l[i+len("BUG: KCSAN: "):], "\r "))
		}
	}
	if headers == 0 {
		t.Fatal("the captured log has no KCSAN report")
	}
	rs, ss := parseString(t, string(b))
	if len(rs) != headers {
		t.Fatalf("%d reports parsed, %d \"BUG: KCSAN:\" headers", len(rs), headers)
	}
	kinds := map[report.Kind]int{}
	for i, r := range rs {
		kinds[r.Kind]++
		if r.Title != titles[i] {
			t.Errorf("report %d: title %q, log %q", i, r.Title, titles[i])
		}
		want := report.KindDataRace
		switch {
		case strings.HasPrefix(r.Title, "assert: race in "):
			want = report.KindAssert
		case strings.Contains(r.Title, "+0x"):
			want = report.KindUnknownOrigin
		}
		if r.Kind != want {
			t.Errorf("report %d (%s): kind %s, want %s", i, r.Title, r.Kind, want)
		}
		n := 2
		if r.Kind == report.KindUnknownOrigin {
			n = 1
		}
		if len(r.Accesses) != n {
			t.Errorf("report %d (%s): %d accesses, want %d", i, r.Title, len(r.Accesses), n)
		}
		for j, a := range r.Accesses {
			if len(a.Stack) == 0 {
				t.Errorf("report %d (%s): access %d has no stack", i, r.Title, j)
			}
			if a.Size == 0 || a.Addr == 0 {
				t.Errorf("report %d (%s): access %d: %+v", i, r.Title, j, a)
			}
		}
		if r.Process == "" || !strings.HasPrefix(r.Raw, strings.SplitN(r.Raw, "\n", 2)[0]) {
			t.Errorf("report %d (%s): no Reported-by line", i, r.Title)
		}
	}
	// The only skips are console lines other CPUs printed into reports.
	for _, s := range ss {
		if !strings.Contains(s.Reason, "interleaved") {
			t.Errorf("unexpected skip: %v", s)
		}
	}
	t.Logf("%d reports: %d data-race, %d assert, %d unknown-origin; %d interleaved lines skipped",
		len(rs), kinds[report.KindDataRace], kinds[report.KindAssert], kinds[report.KindUnknownOrigin], len(ss))
}

// The real log cut after every closing separator and a spread of other
// lines: every report complete before the cut is intact, at most one
// (the cut one) more is returned.
func TestRealConsoleLogTruncated(t *testing.T) {
	b, err := os.ReadFile(realLog)
	if err != nil {
		t.Fatal(err)
	}
	full, _ := parseString(t, string(b))
	lines := strings.SplitAfter(string(b), "\n")
	// ends[i] is the index of the line closing report i.
	var ends []int
	next := 0
	for _, r := range full {
		rl := strings.Split(strings.TrimSuffix(r.Raw, "\n"), "\n")
		last := rl[len(rl)-1]
		for next < len(lines) && strings.TrimRight(lines[next], "\r\n") != last {
			next++
		}
		ends = append(ends, next)
		next++
	}
	for n := 0; n <= len(lines); n++ {
		complete := 0
		for complete < len(ends) && ends[complete] < n {
			complete++
		}
		if n%5 != 0 && (complete == 0 || ends[complete-1] != n-1) {
			continue
		}
		rs, _ := parseString(t, strings.Join(lines[:n], ""))
		if len(rs) < complete || len(rs) > complete+1 {
			t.Fatalf("cut after %d lines: %d reports, %d complete", n, len(rs), complete)
		}
		for i := 0; i < complete; i++ {
			if !reflect.DeepEqual(rs[i], full[i]) {
				t.Fatalf("cut after %d lines: complete report %d changed", n, i)
			}
		}
	}
}
