package symbolize

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/arch/x86/x86asm"

	"github.com/gocsan/gocsan/report"
)

func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (binutils/gcc): %v", tool, err)
		}
	}
}

// buildRace compiles testdata/race.c the way Kbuild compiles a KCSAN
// kernel (gcc -fsanitize=thread without function entry/exit hooks) and
// links it without a libc.
func buildRace(t *testing.T) string {
	return filepath.Join(buildRaceDir(t), "race")
}

// buildRaceDir builds the fixture and returns the directory holding
// race (linked) and race.o (relocatable, like a module's .ko).
func buildRaceDir(t *testing.T) string {
	need(t, "gcc")
	dir := t.TempDir()
	src, _ := filepath.Abs("testdata")
	run := func(args ...string) {
		cmd := exec.Command("gcc", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Skipf("gcc cannot build the fixture here (%v): %s", err, out)
		}
	}
	run("-O2", "-g", "-gdwarf-5", "-fsanitize=thread", "--param", "tsan-distinguish-volatile=1",
		"--param", "tsan-instrument-func-entry-exit=0", "-c", filepath.Join(src, "race.c"), "-o", "race.o")
	run("-O2", "-g", "-c", filepath.Join(src, "stubs.c"), "-o", "stubs.o")
	run("-nostdlib", "-static", "-no-pie", "-o", "race", "race.o", "stubs.o")
	return dir
}

// callSites returns, for each call to a function named check inside fn,
// the return address as a %pS frame "fn+0xOFF/0xSIZE".
func callSites(t *testing.T, im *Image, fn, check string) []report.Frame {
	t.Helper()
	sym, err := im.Symbols().Lookup(fn, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	code, err := im.Code(sym.Addr, sym.Size)
	if err != nil {
		t.Fatal(err)
	}
	var out []report.Frame
	for off := 0; off < len(code); {
		in, err := x86asm.Decode(code[off:], 64)
		if err != nil {
			off++
			continue
		}
		off += in.Len
		if rel, ok := in.Args[0].(x86asm.Rel); ok && in.Op == x86asm.CALL {
			if name, _ := im.symname(uint64(int64(sym.Addr) + int64(off) + int64(rel))); check == "" || name == check {
				out = append(out, report.Frame{Function: fn, Offset: uint64(off), SymSize: sym.Size})
			}
		}
	}
	return out
}

type a2lFrame struct {
	fn, file string
	line     int
}

// addr2line runs binutils' addr2line -i -f at each pc (one process for
// all: loading a vmlinux's DWARF takes seconds): per pc, the inlined
// chain, innermost first.
func addr2line(t *testing.T, path string, pcs ...uint64) map[uint64][]a2lFrame {
	t.Helper()
	args := []string{"-a", "-i", "-f", "-e", path}
	for _, pc := range pcs {
		args = append(args, fmt.Sprintf("0x%x", pc))
	}
	out, err := exec.Command("addr2line", args...).Output()
	if err != nil {
		t.Fatalf("addr2line: %v", err)
	}
	res := make(map[uint64][]a2lFrame)
	var cur uint64
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for i := 0; i < len(lines); {
		if strings.HasPrefix(lines[i], "0x") {
			cur, _ = strconv.ParseUint(lines[i][2:], 16, 64)
			i++
			continue
		}
		if i+1 >= len(lines) {
			break
		}
		loc := strings.Fields(lines[i+1])[0] // drop " (discriminator N)"
		file, ln, _ := strings.Cut(loc, ":")
		n, _ := strconv.Atoi(ln)
		res[cur] = append(res[cur], a2lFrame{lines[i], file, n})
		i += 2
	}
	return res
}

// checkAgainstAddr2line symbolizes frames (return addresses) and
// compares each resulting chain of frames with addr2line -i at pc-1.
func checkAgainstAddr2line(t *testing.T, s *Symbolizer, frames ...report.Frame) [][]report.Frame {
	t.Helper()
	var chains [][]report.Frame
	var pcs []uint64
	for _, frame := range frames {
		fs, err := s.frame(frame, true, false)
		if err != nil {
			t.Errorf("%s: %v", frameString(frame), err)
		}
		chains = append(chains, fs)
		pcs = append(pcs, fs[len(fs)-1].PC-1)
	}
	a2l := addr2line(t, s.Image.Path, pcs...)
	for k, fs := range chains {
		frame := frames[k]
		want := a2l[pcs[k]]
		if len(fs) != len(want) {
			t.Errorf("%s: %d frames, addr2line has %d: %+v vs %+v", frameString(frame), len(fs), len(want), fs, want)
			continue
		}
		for i, w := range want {
			g := fs[i]
			if g.Line != w.line || !strings.HasSuffix(w.file, g.File) || g.File == "" {
				t.Errorf("%s frame %d: %s:%d, addr2line %s:%d", frameString(frame), i, g.File, g.Line, w.file, w.line)
			}
			// The last frame keeps the %pS name (it may differ from the
			// DWARF name for .constprop/.isra clones).
			if i < len(want)-1 && g.Function != w.fn {
				t.Errorf("%s frame %d: function %s, addr2line %s", frameString(frame), i, g.Function, w.fn)
			}
			if g.Inlined != (i < len(want)-1) {
				t.Errorf("%s frame %d: Inlined=%v", frameString(frame), i, g.Inlined)
			}
		}
	}
	return chains
}

var objdumpLine = regexp.MustCompile(`^\s*([0-9a-f]+):\s+(.*)$`)

// objdumpAt returns objdump's text of the instruction at pc, without the
// "# address <symbol>" comment.
func objdumpAt(t *testing.T, path string, pc uint64) string {
	t.Helper()
	out, err := exec.Command("objdump", "-d", "--no-show-raw-insn", fmt.Sprintf("--start-address=0x%x", pc),
		fmt.Sprintf("--stop-address=0x%x", pc+16), path).Output()
	if err != nil {
		t.Fatalf("objdump: %v", err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if m := objdumpLine.FindStringSubmatch(l); m != nil {
			if v, _ := strconv.ParseUint(m[1], 16, 64); v == pc {
				text, _, _ := strings.Cut(m[2], "#")
				return normSpace(text)
			}
		}
	}
	t.Fatalf("objdump printed no instruction at 0x%x:\n%s", pc, out)
	return ""
}

// normSpace collapses whitespace and the operand-size suffix objdump
// sometimes omits.
func normSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// checkSite disassembles the access site of frame and compares the
// access instruction with objdump.
func checkSite(t *testing.T, im *Image, frame report.Frame, wantCheck string, wantWidth int) {
	t.Helper()
	sym, err := im.Symbols().Lookup(frame.Function, "", frame.SymSize)
	if err != nil {
		t.Fatal(err)
	}
	site, err := im.AccessSite(sym, sym.Addr+frame.Offset)
	if err != nil {
		t.Fatalf("%s: %v", frameString(frame), err)
	}
	if site.Check != wantCheck || site.Width != wantWidth || site.PC == 0 {
		t.Fatalf("%s: site %+v, want a %d-byte access checked by %s", frameString(frame), site, wantWidth, wantCheck)
	}
	code, err := im.Code(site.PC, uint64(site.Len))
	if err != nil {
		t.Fatal(err)
	}
	in, err := x86asm.Decode(code, 64)
	if err != nil {
		t.Fatal(err)
	}
	got := normSpace(x86asm.GNUSyntax(in, site.PC, nil))
	if txt, _, _ := strings.Cut(site.Text, " #"); normSpace(txt) != got {
		t.Errorf("site text %q, decoded %q", site.Text, got)
	}
	want := objdumpAt(t, im.Path, site.PC)
	if got != want {
		t.Errorf("%s: access instruction %q, objdump %q", frameString(frame), got, want)
	}
}

func TestFixtureAgainstBinutils(t *testing.T) {
	need(t, "addr2line", "objdump")
	path := buildRace(t)
	im, err := OpenImage(path)
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	if im.DWARFErr != nil {
		t.Fatal(im.DWARFErr)
	}
	s := &Symbolizer{Image: im}

	w := callSites(t, im, "writer", "__tsan_write8")
	if len(w) != 1 {
		t.Fatalf("writer has %d calls to __tsan_write8", len(w))
	}
	checkAgainstAddr2line(t, s, w[0])
	fs, err := s.frame(w[0], true, true)
	if err != nil {
		t.Fatal(err)
	}
	// The store is in inner_write, inlined into outer_write, inlined
	// into writer.
	if len(fs) != 3 || fs[0].Function != "inner_write" || fs[1].Function != "outer_write" || fs[2].Function != "writer" {
		t.Errorf("inlined chain %+v", fs)
	}
	if !regexp.MustCompile(`^[0-9a-f]+: mov %r[a-z0-9]+,0x[0-9a-f]+\(%rip\) # [0-9a-f]+ <test_var> `).MatchString(fs[2].Instruction) || !strings.Contains(fs[2].Instruction, "8-byte access checked by __tsan_write8") {
		t.Errorf("instruction %q", fs[2].Instruction)
	}
	checkSite(t, im, w[0], "__tsan_write8", 8)

	r := callSites(t, im, "reader", "__tsan_read8")
	if len(r) != 1 {
		t.Fatalf("reader has %d calls to __tsan_read8", len(r))
	}
	checkAgainstAddr2line(t, s, r[0])
	checkSite(t, im, r[0], "__tsan_read8", 8)

	// A whole report: both stacks get lines, the top frames their sites.
	rep := &report.Report{Kind: report.KindDataRace, Accesses: []report.Access{
		{Op: report.OpWrite, Size: 8, Stack: []report.Frame{w[0], callSites(t, im, "main", "writer")[0]}},
		{Op: report.OpRead, Size: 8, Stack: []report.Frame{r[0]}},
	}}
	if errs := s.Report(rep); len(errs) != 0 {
		t.Errorf("errors: %v", errs)
	}
	if n := len(rep.Accesses[0].Stack); n != 4 {
		t.Errorf("write stack has %d frames, want 3 (inlined chain) + main", n)
	}
	for _, a := range rep.Accesses {
		for _, f := range a.Stack {
			if f.File == "" || f.Line == 0 || f.PC == 0 {
				t.Errorf("unsymbolized frame %+v", f)
			}
		}
	}
	if txt := report.Text(rep); !strings.Contains(txt, "race.c:") {
		t.Errorf("text output without file:line:\n%s", txt)
	}
}

func TestSymbolFile(t *testing.T) {
	const m = `ffffffff81000000 T _text
ffffffff81001000 T test_kernel_read
ffffffff81001020 t test_kernel_write
ffffffff81001040 T _etext
ffffffff81e496e0 b test_var
ffffffffc0001000 t modfn	[kcsan_test]
ffffffffc0001080 t modfn2	[kcsan_test]
`
	tab, err := ReadSymbolFile(strings.NewReader(m), "System.map")
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != 6 {
		t.Errorf("%d text symbols", tab.Len())
	}
	s := &Symbolizer{Table: tab}
	rep := &report.Report{Accesses: []report.Access{{Stack: []report.Frame{
		{Function: "test_kernel_read", Offset: 0x10, SymSize: 0x20},
		{Function: "modfn", Offset: 0x8, SymSize: 0x80, Module: "kcsan_test"},
		{Function: "0xffffffff81001025", PC: 0xffffffff81001025},
		{Function: "nosuch", Offset: 1, SymSize: 2},
	}}}}
	errs := s.Report(rep)
	st := rep.Accesses[0].Stack
	if st[0].PC != 0xffffffff81001010 || st[1].PC != 0xffffffffc0001008 {
		t.Errorf("PCs %x %x", st[0].PC, st[1].PC)
	}
	if st[2].Function != "test_kernel_write" || st[2].Offset != 5 {
		t.Errorf("bare address resolved to %+v", st[2])
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "nosuch") {
		t.Errorf("errors %v", errs)
	}
	for in, want := range map[string]string{
		"0000000000000000 T _text\n0000000000000000 T f\n": "all addresses are zero",
		"ffffffff81000000 T\n":                             "System.map:1: want",
		"zzzz T f\n":                                       "System.map:1: bad address",
		"ffffffff81000000 D data\n":                        "no text symbols",
	} {
		if _, err := ReadSymbolFile(strings.NewReader(in), "System.map"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

func TestCheckWidth(t *testing.T) {
	for name, want := range map[string]int{"__tsan_read8": 8, "__tsan_unaligned_write4": 4, "__tsan_volatile_read2": 2,
		"__tsan_read_write16": 16, "__tsan_atomic32_load": 4, "__tsan_read_range": 0, "kcsan_check_access": 0} {
		if got, _ := checkWidth(name); got != want {
			t.Errorf("checkWidth(%s) = %d, want %d", name, got, want)
		}
	}
}

func TestOpenImageErrors(t *testing.T) {
	if _, err := OpenImage("testdata/race.c"); err == nil || !strings.Contains(err.Error(), "testdata/race.c") {
		t.Errorf("non-ELF: %v", err)
	}
	if _, err := OpenImage(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing file accepted")
	}
}

// A module frame "writer+0xOFF/0xSIZE [race]" resolved in race.ko, the
// relocatable object (as a module's .ko is): file:line with inlined
// frames against addr2line on the same object, the callee named by its
// relocation.
func TestModuleObject(t *testing.T) {
	need(t, "addr2line")
	dir := buildRaceDir(t)
	mods := t.TempDir()
	obj, err := os.ReadFile(filepath.Join(dir, "race.o"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(mods, "kernel", "test"), 0o755); err != nil {
		t.Fatal(err)
	}
	ko := filepath.Join(mods, "kernel", "test", "race-mod.ko")
	if err := os.WriteFile(ko, obj, 0o644); err != nil {
		t.Fatal(err)
	}
	m := &Modules{Dirs: []string{mods}}
	defer m.Close()
	im, err := m.Image("race_mod")
	if err != nil {
		t.Fatal(err)
	}
	if !im.rel || im.DWARFErr != nil {
		t.Fatalf("rel=%v, DWARF: %v", im.rel, im.DWARFErr)
	}
	sym, err := im.Symbols().Lookup("writer", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	code, err := im.sectionCode(sym)
	if err != nil {
		t.Fatal(err)
	}
	rels, err := im.relocs(sym.sect)
	if err != nil {
		t.Fatal(err)
	}
	var ret uint64
	for off := 0; off < len(code); {
		in, err := x86asm.Decode(code[off:], 64)
		if err != nil {
			off++
			continue
		}
		if in.Op == x86asm.CALL && rels[sym.Addr+uint64(off)+1] == "__tsan_write8" {
			ret = sym.Addr + uint64(off+in.Len)
		}
		off += in.Len
	}
	if ret == 0 {
		t.Fatal("no call to __tsan_write8 in writer (by relocation)")
	}
	frame := report.Frame{Function: "writer", Offset: ret - sym.Addr, SymSize: sym.Size, Module: "race-mod"}
	s := &Symbolizer{Modules: m}
	fs, err := s.frame(frame, true, true)
	if err != nil {
		t.Fatal(err)
	}
	// addr2line speaks section offsets; writer is in .text.
	textOff := ret - im.bases[sym.sect]
	want := addr2line(t, ko, textOff-1)[textOff-1]
	if len(fs) != 3 || len(want) != 3 {
		t.Fatalf("frames %+v, addr2line %+v", fs, want)
	}
	for i, w := range want {
		if fs[i].Line != w.line || !strings.HasSuffix(w.file, fs[i].File) || (i < 2 && fs[i].Function != w.fn) {
			t.Errorf("frame %d: %s %s:%d, addr2line %s %s:%d", i, fs[i].Function, fs[i].File, fs[i].Line, w.fn, w.file, w.line)
		}
	}
	if !strings.Contains(fs[2].Instruction, "(8-byte access checked by __tsan_write8)") || fs[2].PC != 0 {
		t.Errorf("top frame %+v", fs[2])
	}
	// With a symbol table giving the module's load address, the frame
	// gets its run-time PC.
	tab, err := ReadSymbolFile(strings.NewReader("ffffffffc0001000 t writer\t[race_mod]\nffffffffc0002000 t reader\t[race_mod]\n"), "kallsyms")
	if err != nil {
		t.Fatal(err)
	}
	s.Table = tab
	if fs, _ := s.frame(frame, true, true); fs[len(fs)-1].PC != 0xffffffffc0001000+frame.Offset {
		t.Errorf("run-time PC %x", fs[len(fs)-1].PC)
	}
	if _, err := m.Image("absent"); err == nil || !strings.Contains(err.Error(), "no absent.ko under") {
		t.Errorf("absent module: %v", err)
	}
}
