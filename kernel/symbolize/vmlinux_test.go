package symbolize

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/kernellog"
)

// vmlinuxPath is the kernel built by scripts/kernel/build-and-boot.sh,
// whose console log is testdata/kernel/console.log.
func vmlinuxPath() string {
	if p := os.Getenv("GOCSAN_VMLINUX"); p != "" {
		return p
	}
	kb := os.Getenv("GOCSAN_KBUILD")
	if kb == "" {
		kb = "/work/kbuild"
	}
	return kb + "/linux-source-6.12/vmlinux"
}

// The frames of the real KCSAN reports in the captured console log,
// symbolized with the vmlinux that printed them, against binutils.
func TestRealVmlinux(t *testing.T) {
	path := vmlinuxPath()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no vmlinux at %s (set GOCSAN_VMLINUX, or run scripts/kernel/build-and-boot.sh): %v", path, err)
	}
	need(t, "addr2line", "objdump")
	log, err := os.Open("../../testdata/kernel/console.log")
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	reports, _, err := kernellog.Parse(log, "console.log")
	if err != nil || len(reports) == 0 {
		t.Fatalf("parsing the console log: %d reports, %v", len(reports), err)
	}
	im, err := OpenImage(path)
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	if im.DWARFErr != nil {
		t.Fatal(im.DWARFErr)
	}
	s := &Symbolizer{Image: im}

	// Distinct frames: the top frame of every access (checked with its
	// access site too) and the other frames (return addresses).
	tops := map[report.Frame]bool{}
	others := map[report.Frame]bool{}
	for _, r := range reports {
		for _, a := range r.Accesses {
			for i, f := range a.Stack {
				if i == 0 {
					tops[f] = true
				} else if f.Offset != 0 && !strings.HasPrefix(a.Stack[i-1].Function, "asm_") {
					others[f] = true
				}
			}
		}
	}
	sorted := func(m map[report.Frame]bool) []report.Frame {
		var fs []report.Frame
		for f := range m {
			fs = append(fs, f)
		}
		sort.Slice(fs, func(i, j int) bool { return frameString(fs[i]) < frameString(fs[j]) })
		return fs
	}
	all := append(sorted(tops), sorted(others)...)
	checkAgainstAddr2line(t, s, all...)
	t.Logf("%d frames (%d top frames) match addr2line -i", len(all), len(tops))

	// Access sites: every top frame returns from a __tsan_* or kcsan
	// check; where the check has a width, the access instruction
	// matches objdump.
	sites := 0
	for _, f := range sorted(tops) {
		sym, err := im.Symbols().Lookup(f.Function, "", f.SymSize)
		if err != nil {
			t.Errorf("%s: %v", frameString(f), err)
			continue
		}
		site, err := im.AccessSite(sym, sym.Addr+f.Offset)
		if err != nil {
			t.Errorf("%s: %v", frameString(f), err)
			continue
		}
		if site.PC != 0 {
			checkSite(t, im, f, site.Check, site.Width)
			sites++
		}
		t.Logf("%s: %s", frameString(f), site)
	}
	if sites == 0 {
		t.Error("no access instruction found for any top frame")
	}

	// A whole report symbolizes without errors.
	for _, r := range reports[:min(len(reports), 5)] {
		if errs := s.Report(r); len(errs) != 0 {
			t.Errorf("%s: %v", r.Title, errs)
		}
	}
}
