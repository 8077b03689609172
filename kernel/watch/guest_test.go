package watch

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/gocsan/gocsan/report"
)

// The capture of scripts/kernel/build-and-boot.sh --guest-watch: inside
// the real KCSAN guest, /init ran gocsan kernel watch --source=ebpf and
// --source=kmsg --backlog (both --rate-limit=0) while the KCSAN KUnit
// suite ran a second time, and wrote their JSON to the second serial
// port. The serial console log holds what the kernel printed.
func TestGuestCapture(t *testing.T) {
	console, err := os.ReadFile("../../testdata/kernel/guest-console.log")
	if err != nil {
		t.Fatal(err)
	}
	tty, err := os.ReadFile("../../testdata/kernel/guest-ttyS1.log")
	if err != nil {
		t.Fatal(err)
	}
	// Titles printed by the kernel: all of them, and those of the rerun
	// (after the marker /init printed before starting it).
	var all, rerun []string
	inRerun := false
	for _, l := range strings.Split(string(console), "\n") {
		if strings.Contains(l, "gocsan-init: rerunning") {
			inRerun = true
		}
		if i := strings.Index(l, "BUG: KCSAN: "); i >= 0 {
			title := strings.TrimRight(l[i+len("BUG: KCSAN: "):], "\r ")
			all = append(all, title)
			if inRerun {
				rerun = append(rerun, title)
			}
		}
	}
	if len(rerun) == 0 || len(all) == len(rerun) {
		t.Fatalf("console log: %d reports, %d in the rerun", len(all), len(rerun))
	}
	sections := map[string]string{}
	var name string
	for _, l := range strings.SplitAfter(string(tty), "\n") {
		if n, ok := strings.CutPrefix(strings.TrimRight(l, "\r\n"), "== "); ok {
			name = n
			continue
		}
		sections[name] += strings.ReplaceAll(l, "\r\n", "\n")
	}
	for _, c := range []struct {
		section string
		want    []string
	}{
		{"ebpf.jsonl", rerun}, // attached after boot: sees the rerun only
		{"kmsg.jsonl", all},   // --backlog: the boot-time run too
	} {
		rs, errs := report.ReadJSON(strings.NewReader(sections[c.section]), c.section)
		if len(errs) != 0 {
			t.Errorf("%s: %v", c.section, errs)
		}
		var got []string
		for _, r := range rs {
			got = append(got, r.Title)
			n := 2
			if r.Kind == report.KindUnknownOrigin {
				n = 1
			}
			if len(r.Accesses) != n {
				t.Errorf("%s: %s: %d accesses", c.section, r.Title, len(r.Accesses))
			}
			for _, a := range r.Accesses {
				if len(a.Stack) == 0 {
					t.Errorf("%s: %s: an access without stack", c.section, r.Title)
				}
			}
		}
		sort.Strings(got)
		want := append([]string(nil), c.want...)
		sort.Strings(want)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: %d reports, the kernel printed %d:\ngot  %q\nwant %q", c.section, len(got), len(want), got, want)
		}
		t.Logf("%s: %d reports, as printed by the kernel", c.section, len(got))
	}
	for _, s := range []string{"ebpf.err", "kmsg.err"} {
		if !strings.Contains(sections[s], " 0 records lost") {
			t.Errorf("%s: %s", s, sections[s])
		}
	}
}
