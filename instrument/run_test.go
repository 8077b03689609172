package instrument

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// markLines returns the line of each "mark:NAME" comment in file.
func markLines(t *testing.T, file string) map[string]int {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	marks := map[string]int{}
	re := regexp.MustCompile(`// mark:(\w+)`)
	for i, line := range strings.Split(string(src), "\n") {
		if m := re.FindStringSubmatch(line); m != nil {
			marks[m[1]] = i + 1
		}
	}
	return marks
}

// buildRewritten rewrites the package in dir and builds it with the real
// go command into a binary.
func buildRewritten(t *testing.T, dir string) string {
	t.Helper()
	ov := overlay(t, dir)
	bin := filepath.Join(t.TempDir(), "prog")
	goCmd(t, "build", "-overlay", ov, "-o", bin, "./"+dir)
	goCmd(t, "vet", "-overlay", ov, "./"+dir)
	return bin
}

// TestPositions runs a rewritten program and checks that runtime.Caller,
// panic tracebacks and both accesses of a race report show the original
// file and line, and that os.Exit and main's return apply the runtime's
// race exit code.
func TestPositions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	dir := "testdata/run/positions"
	file, err := filepath.Abs(filepath.Join(dir, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	marks := markLines(t, file)
	bin := buildRewritten(t, dir)

	t.Run("caller", func(t *testing.T) {
		out, err := exec.Command(bin, "caller").CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		seen := 0
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			name, pos, ok := strings.Cut(sc.Text(), " ")
			if !ok || !strings.HasPrefix(name, "caller") {
				continue
			}
			seen++
			if want := file + ":" + strconv.Itoa(marks[name]); pos != want {
				t.Errorf("%s: runtime.Caller says %s, want %s", name, pos, want)
			}
		}
		if seen != 6 {
			t.Errorf("saw %d caller lines, want 6:\n%s", seen, out)
		}
	})

	t.Run("panic", func(t *testing.T) {
		out, err := exec.Command(bin, "panic").CombinedOutput()
		if err == nil {
			t.Fatalf("no panic:\n%s", out)
		}
		want := "\t" + file + ":" + strconv.Itoa(marks["panic"])
		re := regexp.MustCompile("(?m)^" + regexp.QuoteMeta(want) + "( |$)")
		if !strings.Contains(string(out), "nil pointer dereference") || !re.MatchString(string(out)) {
			t.Errorf("panic traceback lacks %q:\n%s", want, out)
		}
	})

	// race: a plain write and read; hoistrace: the writes of a range
	// loop whose element checks are hoisted into one ranged check
	// before it (positioned at the access) and a read of one element.
	for _, name := range []string{"race", "hoistrace"} {
		prefix := strings.TrimSuffix(name, "race")
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(bin, name)
			// Arm a watchpoint on every access so the race is found
			// at once; report only conflicting pairs of instrumented
			// accesses.
			cmd.Env = append(os.Environ(), "GOCSAN=skip=1 delay=1ms delay_budget=0 unknown_origin=0")
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 66 {
				t.Errorf("exit: %v, want status 66 from the runtime's Exit after a race\n%s", err, out)
			}
			got := map[string]bool{}
			sc := bufio.NewScanner(bytes.NewReader(out))
			for sc.Scan() {
				if rest, ok := strings.CutPrefix(sc.Text(), "race "); ok {
					got[rest] = true
				}
			}
			want := map[string]bool{
				"write " + file + ":" + strconv.Itoa(marks[prefix+"racewrite"]): true,
				"read " + file + ":" + strconv.Itoa(marks[prefix+"raceread"]):   true,
			}
			if len(got) != 2 {
				t.Fatalf("race accesses %v, want %v\n%s", got, want, out)
			}
			for k := range want {
				if !got[k] {
					t.Errorf("race accesses %v, want %v\n%s", got, want, out)
				}
			}
		})
	}

	t.Run("lockorder", func(t *testing.T) {
		// Lock classes are named by the package path the rewriter was
		// given (overlay() passes the directory's import path).
		pkgPath := "github.com/gocsan/gocsan/instrument/testdata/run/positions"
		cmd := exec.Command(bin, "lockorder")
		cmd.Env = append(os.Environ(), "GOCSAN=lockdep=1")
		out, _ := cmd.CombinedOutput()
		want := "lock-order " + pkgPath + ".muA held " + pkgPath + ".muB " + file + ":" + strconv.Itoa(marks["lockBA"])
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	})

	t.Run("barriers", func(t *testing.T) {
		cmd := exec.Command(bin, "barriers")
		// Every access is watched and, with reorder on, stays watched
		// until its goroutine's next barrier.
		cmd.Env = append(os.Environ(), "GOCSAN=skip=1 delay=100us reorder=1 reorder_window=1s unknown_origin=0")
		out, err := cmd.CombinedOutput()
		if err != nil || strings.Contains(string(out), "unexpected report") || !strings.Contains(string(out), "barriers 4900") {
			t.Errorf("err %v, output:\n%s", err, out)
		}
	})

	t.Run("order", func(t *testing.T) {
		out, err := exec.Command(bin, "order").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "order [1] 2") {
			t.Errorf("err %v, output:\n%s", err, out)
		}
	})

	t.Run("allocs", func(t *testing.T) {
		// The uninstrumented function allocates nothing (checked when
		// this test was written with go run): neither may its rewrite.
		out, err := exec.Command(bin, "allocs").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "allocs 0\n") {
			t.Errorf("err %v, output:\n%s", err, out)
		}
	})
}

// TestInitOrder runs a rewritten two-file program whose variable
// initialization order depends on what an instrumented function
// references.
func TestInitOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	bin := buildRewritten(t, "testdata/run/initorder")
	out, err := exec.Command(bin).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "init order kept") {
		t.Errorf("err %v, output:\n%s", err, out)
	}
}

// TestEvalOrder runs a rewritten program whose statements synchronize
// (receive, call, &&, ||) before an access in the same statement (reads,
// map index, multi-value assignments): with every access watched, a check
// placed before the synchronizing operation would report the other
// goroutine's ordered write; an access through a call's result spanning
// lines is checked once the call returns. The racy twins write after
// synchronizing and must be reported.
func TestEvalOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	bin := buildRewritten(t, "testdata/run/evalorder")
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "GOCSAN=skip=1 delay=5ms delay_budget=0 unknown_origin=0")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 66 {
		t.Fatalf("exit: %v, want status 66 after the racy scenarios' races\n%s", err, out)
	}
	seen := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		name, n, ok := strings.Cut(sc.Text(), " ")
		count, err := strconv.Atoi(n)
		if !ok || err != nil {
			continue
		}
		seen++
		racy := strings.HasSuffix(name, "racy")
		if racy && count == 0 {
			t.Errorf("%s: race not reported", name)
		}
		if !racy && count != 0 {
			t.Errorf("%s: %d reports of ordered accesses", name, count)
		}
	}
	if seen != 15 {
		t.Errorf("saw %d scenarios, want 15:\n%s", seen, out)
	}
}

// TestOldLanguage rewrites and builds a program at -lang=go1.16: copy,
// append and the string conversion are checked without unsafe.SliceData,
// and the race between the copy and the append is reported.
func TestOldLanguage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	dir := "testdata/run/go116"
	res, err := Package(Config{ImportPath: "example.com/go116", GoVersion: "go1.16"}, packageFiles(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) > 0 {
		t.Errorf("warnings at go1.16: %q", res.Warnings)
	}
	bulk := 0
	for _, s := range res.sites {
		if strings.HasPrefix(s.desc, "ReadRange") || strings.HasPrefix(s.desc, "WriteRange") || strings.HasPrefix(s.desc, "Append") {
			bulk++
		}
	}
	if bulk < 3 {
		t.Errorf("%d bulk checks, want the copy's two, the append's and the conversion's", bulk)
	}
	ov := overlayLang(t, "go1.16", dir)
	bin := filepath.Join(t.TempDir(), "prog")
	pkg := "github.com/gocsan/gocsan/instrument/" + dir
	goCmd(t, "build", "-overlay", ov, "-gcflags="+pkg+"=-lang=go1.16", "-o", bin, "./"+dir)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "GOCSAN=skip=1 delay=5ms delay_budget=0 unknown_origin=0")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 66 {
		t.Fatalf("exit: %v, want status 66 after the race\n%s", err, out)
	}
	file, err := filepath.Abs(filepath.Join(dir, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	marks := markLines(t, file)
	for _, m := range []string{"copy", "append"} {
		if want := file + ":" + strconv.Itoa(marks[m]); !strings.Contains(string(out), want) {
			t.Errorf("report lacks %s's line %s:\n%s", m, want, out)
		}
	}
}
