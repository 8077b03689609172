package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocsan/gocsan/report"
)

// End-to-end tests: they build the gocsan binary once and run it on
// small modules under testdata, through the real go command. The first
// instrumented build rebuilds the standard library once (about 20s on two
// cores); later ones hit the build cache.

var (
	buildOnce sync.Once
	gocsanBin string
	buildErr  error
)

func gocsanBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the gocsan binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gocsan-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		gocsanBin = filepath.Join(dir, "gocsan")
		out, err := exec.Command("go", "build", "-o", gocsanBin, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return gocsanBin
}

// gocsan runs the gocsan binary in dir with extra environment entries and
// returns its combined output and exit code.
func gocsan(t *testing.T, dir string, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(gocsanBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("gocsan %s: %v", strings.Join(args, " "), err)
		}
		code = ee.ExitCode()
	}
	return string(out), code
}

func abs(t *testing.T, path string) string {
	t.Helper()
	p, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var markerRE = regexp.MustCompile(`// race:(\w+)`)

// raceMarkers reads the "// race:Name" comments of the racy catalogue:
// for each racy function, the file:line of its racing accesses.
func raceMarkers(t *testing.T, dir string) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for line := 1; sc.Scan(); line++ {
			for _, m := range markerRE.FindAllStringSubmatch(sc.Text(), -1) {
				cases[m[1]] = append(cases[m[1]], fmt.Sprintf("%s:%d", filepath.Base(f), line))
			}
		}
	}
	if len(cases) == 0 {
		t.Fatalf("no race markers in %s", dir)
	}
	return cases
}

// topLines returns the sorted file:line of each access's top frame.
func topLines(r *report.Report) []string {
	var lines []string
	for _, a := range r.Accesses {
		top := a.Top()
		lines = append(lines, fmt.Sprintf("%s:%d", filepath.Base(top.File), top.Line))
	}
	sort.Strings(lines)
	return lines
}

func readReports(t *testing.T, path string) []*report.Report {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reports, errs := report.ReadJSON(f, path)
	for _, e := range errs {
		t.Error(e)
	}
	return reports
}

// TestRacyCatalogue runs gocsan test -profile=ci on testdata/racy twice
// over (-count=2): every racy function must be reported with exactly the
// two lines its markers name and its test must fail both times; no
// race-free twin may be reported or fail. GOCSAN watches every access
// with a long delay (skip=1 delay=1ms delay_budget=0), which makes detection
// deterministic: both sides of each race loop after a common start, so
// one side's armed watchpoint is always hit by the other.
func TestRacyCatalogue(t *testing.T) {
	t.Parallel()
	dir := abs(t, "../../testdata/racy")
	cases := raceMarkers(t, dir)
	jsonPath := filepath.Join(t.TempDir(), "reports.jsonl")
	// Deterministic by settings: every access watched, long delays. The
	// reordering model is off: its in-flight watchpoints can take the
	// place of the ones that catch these plain races (see docs/engine.md).
	env := []string{"GOCSAN=skip=1 delay=1ms delay_budget=0 report_once_in=0 reorder=0 json_path=" + jsonPath}
	out, code := gocsan(t, dir, env, "test", "-profile=ci", "-count=2", "-v", ".")
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	for name := range cases {
		if n := strings.Count(out, "--- FAIL: TestRacy"+name+" "); n != 2 {
			t.Errorf("TestRacy%s failed %d times of 2", name, n)
		}
		if n := strings.Count(out, "--- PASS: TestSafe"+name+" "); n != 2 {
			t.Errorf("TestSafe%s passed %d times of 2", name, n)
		}
	}
	if strings.Contains(out, "--- FAIL: TestSafe") {
		t.Errorf("a race-free twin failed")
	}
	// Tests outside the catalogue (runtime.Caller depths) pass.
	for _, m := range regexp.MustCompile(`--- FAIL: (Test\w+)`).FindAllStringSubmatch(out, -1) {
		if !strings.HasPrefix(m[1], "TestRacy") {
			t.Errorf("%s failed", m[1])
		}
	}
	if n := strings.Count(out, "--- PASS: TestCallerDepth "); n != 2 {
		t.Errorf("TestCallerDepth passed %d times of 2", n)
	}
	// A racing test fails through the testing package's own check, with
	// go test -race's message.
	if !regexp.MustCompile(`testing\.go:\d+: race detected during execution of test`).MatchString(out) {
		t.Errorf("no racing test failed with testing's own message")
	}
	if !regexp.MustCompile(`(?m)^gocsan: \d+ races in 1 package \(example.com/racy\)$`).MatchString(out) {
		t.Errorf("no summary line")
	}

	marked := map[string]string{} // file:line -> case
	for name, lines := range cases {
		for _, l := range lines {
			marked[l] = name
		}
	}
	found := map[string]int{}
	reports := readReports(t, jsonPath)
	for _, r := range reports {
		lines := topLines(r)
		for _, a := range r.Accesses {
			for _, f := range a.Stack {
				// Files gocsan rewrote keep their own names by //line
				// directives, as -race shows them.
				if strings.HasPrefix(f.File, "gocsan/") || strings.Contains(f.File, "/gocsan/testing") {
					t.Errorf("report %q: frame %s at %s:%d names gocsan's copy of the file", r.Title, f.Function, f.File, f.Line)
				}
			}
		}
		switch r.Kind {
		case report.KindDataRace:
			name := marked[lines[0]]
			want := append([]string(nil), cases[name]...)
			if len(want) == 1 {
				want = append(want, want[0])
			}
			sort.Strings(want)
			if name == "" || strings.Join(lines, " ") != strings.Join(want, " ") {
				t.Errorf("report %q at %v matches no racy function's marked lines", r.Title, lines)
				continue
			}
			found[name]++
		case report.KindUnknownOrigin:
			// A value changed under a watchpoint with no instrumented
			// access hitting it; allowed only on a marked racing line.
			if marked[lines[0]] == "" {
				t.Errorf("unknown-origin report %q at %v is on no marked racing line", r.Title, lines)
			}
		default:
			t.Errorf("unexpected report kind %s: %s", r.Kind, r.Title)
		}
	}
	for name, lines := range cases {
		if found[name] < 2 {
			t.Errorf("%s (%v): %d reports over 2 runs, want at least 2", name, lines, found[name])
		}
	}
	t.Logf("%d cases, %d reports", len(cases), len(reports))
	if t.Failed() {
		t.Logf("gocsan output:\n%s", out)
	}
}

// TestRunAndBuild runs a racy and a race-free program with gocsan run,
// and builds the program with gocsan build: the instrumented binary
// exits 66 after a race (the runtime's exitcode option), 0 otherwise.
func TestRunAndBuild(t *testing.T) {
	dir := abs(t, "../../testdata/racy")
	env := []string{"GOCSAN=skip=1 delay=1ms delay_budget=0"}
	out, code := gocsan(t, dir, env, "run", "./cmd/racer", "Field")
	if code == 0 || !strings.Contains(out, "BUG: KCSAN: data-race in example.com/racy.Field") ||
		!regexp.MustCompile(`(?m)^gocsan: \d+ races? in 1 package`).MatchString(out) {
		t.Errorf("gocsan run racer Field: exit %d, want non-zero with a report and a summary:\n%s", code, out)
	}
	out, code = gocsan(t, dir, env, "run", "./cmd/racer", "FieldSafe")
	if code != 0 || strings.Contains(out, "KCSAN") {
		t.Errorf("gocsan run racer FieldSafe: exit %d, want 0 and no report:\n%s", code, out)
	}

	bin := filepath.Join(t.TempDir(), "racer")
	if out, code := gocsan(t, dir, nil, "build", "-o", bin, "./cmd/racer"); code != 0 {
		t.Fatalf("gocsan build: exit %d\n%s", code, out)
	}
	for fn, want := range map[string]int{"Field": 66, "FieldSafe": 0} {
		cmd := exec.Command(bin, fn)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		got := 0
		if ee, ok := err.(*exec.ExitError); ok {
			got = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("instrumented racer %s: exit %d, want %d\n%s", fn, got, want, out)
		}
	}
}

// TestUsageErrors checks that gocsan refuses what it cannot do with exit
// status 2 and a message saying why.
func TestUsageErrors(t *testing.T) {
	dir := abs(t, "../../testdata/racy")
	for _, tc := range []struct {
		env  []string
		args []string
		want string
	}{
		{[]string{"GOFLAGS=-toolexec=/bin/true"}, []string{"test", "."}, "GOFLAGS sets -toolexec=/bin/true"},
		{nil, []string{"test", "-toolexec=/bin/true", "."}, "-toolexec cannot be used with gocsan"},
		{nil, []string{"test", "-profile=fast", "."}, `unknown profile "fast" (known: ci, default)`},
		{nil, []string{"build", "-profile=ci", "."}, "-profile applies when a program runs"},
		{nil, []string{"test", "-instrument"}, "flag -instrument needs a value"},
	} {
		out, code := gocsan(t, dir, tc.env, tc.args...)
		if code != 2 || !strings.Contains(out, tc.want) {
			t.Errorf("gocsan %s: exit %d, want 2 and %q:\n%s", strings.Join(tc.args, " "), code, tc.want, out)
		}
	}
}

// TestCache checks that instrumented test results are cached like plain
// ones: a second identical run of a passing package says "(cached)", and
// a plain go test of the same package is not served the instrumented
// result (the -V=full suffix keeps their cache keys apart).
func TestCache(t *testing.T) {
	dir := abs(t, "../../testdata/racy")
	args := []string{"test", "-run", "TestSafe(Field|Map)$", "."}
	if out, code := gocsan(t, dir, nil, args...); code != 0 {
		t.Fatalf("first run: exit %d\n%s", code, out)
	}
	out, code := gocsan(t, dir, nil, args...)
	if code != 0 || !strings.Contains(out, "(cached)") {
		t.Errorf("second run: exit %d, want 0 and (cached):\n%s", code, out)
	}
	// Instrumented and plain builds never share cache entries: build the
	// same program both ways, one after the other, and look for the
	// runtime's symbols in each.
	tmp := t.TempDir()
	instrumented, plain := filepath.Join(tmp, "instrumented"), filepath.Join(tmp, "plain")
	if out, code := gocsan(t, dir, nil, "build", "-o", instrumented, "./cmd/racer"); code != 0 {
		t.Fatalf("gocsan build: exit %d\n%s", code, out)
	}
	cmd := exec.Command("go", "build", "-o", plain, "./cmd/racer")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for bin, want := range map[string]bool{instrumented: true, plain: false} {
		out, err := exec.Command("go", "tool", "nm", bin).Output()
		if err != nil {
			t.Fatalf("go tool nm %s: %v", bin, err)
		}
		if got := bytes.Contains(out, []byte(" github.com/gocsan/gocsan/runtime.")); got != want {
			t.Errorf("%s: links gocsan's runtime = %v, want %v", filepath.Base(bin), got, want)
		}
	}
}

// TestCacheAcrossModules: the package selection is not part of every
// package's cache key, so a module after another reuses the standard
// library (and everything else not instrumented) as go test -race does,
// rather than recompiling it.
func TestCacheAcrossModules(t *testing.T) {
	first := abs(t, "../../testdata/racy")
	if out, code := gocsan(t, first, nil, "test", "-run", "^$", "."); code != 0 {
		t.Fatalf("gocsan test in testdata/racy: exit %d\n%s", code, out)
	}
	// A module of a path never built before, so its own package is
	// compiled whatever the cache holds.
	second := t.TempDir()
	path := fmt.Sprintf("example.com/fresh%d", time.Now().UnixNano())
	writeFiles(t, second, map[string]string{
		"go.mod": "module " + path + "\n\ngo 1.24\n",
		"fresh_test.go": `package fresh

import (
	"sync"
	"testing"
	"time"
)

func TestFresh(t *testing.T) {
	var mu sync.Mutex
	mu.Lock()
	_ = time.Now()
	mu.Unlock()
}
`,
	})
	out, code := gocsan(t, second, nil, "test", "-x", ".")
	if code != 0 {
		t.Fatalf("gocsan test -x in a second module: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "-p "+path+" ") {
		t.Fatalf("the second module's own package is not compiled (is -x output parsed right?):\n%s", out)
	}
	for _, pkg := range []string{"sync", "time", "testing"} {
		if line := regexp.MustCompile(`(?m)^.*/compile .* -p ` + pkg + ` .*$`).FindString(out); line != "" {
			t.Errorf("%s is compiled again in the second module:\n%s", pkg, line)
		}
	}
}

// depsPatterns are the dependencies of testdata/deps to instrument: the
// packages it uses, which are also all that "go mod vendor" copies.
const depsPatterns = "github.com/google/btree,golang.org/x/sync/errgroup"

// TestDependencies instruments published modules fetched through the
// module proxy (github.com/google/btree and golang.org/x/sync, required
// by testdata/deps) together with a module using them, and runs their
// own tests: they must pass. A race whose both sides are inside btree is
// then caught only because -instrument covers that dependency.
func TestDependencies(t *testing.T) {
	t.Parallel()
	dir := abs(t, "testdata/deps")
	out, code := gocsan(t, dir, nil, "test", "-count=1", "-instrument="+depsPatterns,
		"./store", "github.com/google/btree", "golang.org/x/sync/errgroup")
	if code != 0 {
		t.Errorf("gocsan test on the dependencies: exit %d, want 0", code)
	}
	for _, pkg := range []string{"example.com/deps/store", "github.com/google/btree", "golang.org/x/sync/errgroup"} {
		if !regexp.MustCompile(`(?m)^ok\s+` + regexp.QuoteMeta(pkg) + `\s`).MatchString(out) {
			t.Errorf("no ok line for %s", pkg)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}

	// Offline from here on: everything is in the module cache now.
	jsonPath := filepath.Join(t.TempDir(), "reports.jsonl")
	env := []string{"GOCSAN=skip=1 delay=1ms delay_budget=0 json_path=" + jsonPath, "GOPROXY=off"}
	out, code = gocsan(t, dir, env, "test", "-count=1", "-instrument="+depsPatterns, "./racybtree")
	if code != 1 {
		t.Errorf("racybtree: exit %d, want 1\n%s", code, out)
	}
	inBtree := false
	for _, r := range readReports(t, jsonPath) {
		if len(r.Accesses) == 2 && strings.HasPrefix(r.Accesses[0].Top().Function, "github.com/google/btree.") &&
			strings.HasPrefix(r.Accesses[1].Top().Function, "github.com/google/btree.") {
			inBtree = true
		}
	}
	if !inBtree {
		t.Errorf("no report with both accesses in github.com/google/btree:\n%s", out)
	}
}

// copyDir copies the regular files under src to dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestWorkspace runs gocsan in a go.work workspace of two modules: the
// packages of both are instrumented by default, so a race inside module b
// is caught by a test in module a.
func TestWorkspace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"go.work":  "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n",
		"a/go.mod": "module example.com/a\n\ngo 1.22\n\nrequire example.com/b v0.0.0\n",
		"a/a_test.go": `package a

import (
	"testing"

	"example.com/b"
)

func TestB(t *testing.T) { b.Race(100) }
`,
		"b/go.mod": "module example.com/b\n\ngo 1.22\n",
		"b/b.go": `package b

var shared int

// Race writes shared from two goroutines.
func Race(n int) {
	done := make(chan bool)
	start := make(chan bool)
	go func() {
		<-start
		for i := 0; i < n; i++ {
			shared = i
		}
		done <- true
	}()
	close(start)
	for i := 0; i < n; i++ {
		shared = -i
	}
	<-done
}
`,
	})
	out, code := gocsan(t, filepath.Join(dir, "a"), []string{"GOCSAN=skip=1 delay=1ms delay_budget=0"}, "test", "-count=1", ".")
	if code != 1 || !strings.Contains(out, "BUG: KCSAN: data-race in example.com/b.Race") || !strings.Contains(out, "--- FAIL: TestB") {
		t.Errorf("workspace: exit %d, want 1 with a report in example.com/b.Race and TestB failing:\n%s", code, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "a", "go.mod"))
	if err != nil || !bytes.Equal(data, []byte("module example.com/a\n\ngo 1.22\n\nrequire example.com/b v0.0.0\n")) {
		t.Errorf("a/go.mod changed: %q %v", data, err)
	}
}

// TestVendor runs gocsan in a module with a vendor directory: the
// vendored btree is instrumented with -instrument and its race caught.
func TestVendor(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copyDir(t, abs(t, "testdata/deps"), dir)
	cmd := exec.Command("go", "mod", "vendor")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod vendor: %v\n%s", err, out)
	}
	jsonPath := filepath.Join(t.TempDir(), "reports.jsonl")
	env := []string{"GOCSAN=skip=1 delay=1ms delay_budget=0 json_path=" + jsonPath, "GOFLAGS=-mod=vendor"}
	// The same -instrument as TestDependencies: the same package
	// selection shares its build-cache entries for the standard library.
	out, code := gocsan(t, dir, env, "test", "-count=1", "-instrument="+depsPatterns, "./racybtree")
	if code != 1 {
		t.Errorf("exit %d, want 1\n%s", code, out)
	}
	vendored := false
	for _, r := range readReports(t, jsonPath) {
		for _, a := range r.Accesses {
			if strings.Contains(filepath.ToSlash(a.Top().File), "/vendor/github.com/google/btree/") {
				vendored = true
			}
		}
	}
	if !vendored {
		t.Errorf("no report in the vendored btree:\n%s", out)
	}
}

// TestSelfHosting runs part of gocsan's own test suite instrumented by
// gocsan: the report packages (report itself stays uninstrumented, as
// the runtime imports it; its subpackages are instrumented), the build
// driver and the rewriter. The runtime is resolved in this module, so the
// test binaries link one copy of it.
func TestSelfHosting(t *testing.T) {
	t.Parallel()
	out, code := gocsan(t, abs(t, "../.."), nil, "test", "-short", "-count=1", "./report/...", "./internal/...", "./instrument/...")
	if code != 0 || strings.Contains(out, "FAIL") || !strings.Contains(out, "ok  \tgithub.com/gocsan/gocsan/report/sarif") {
		t.Errorf("gocsan test on gocsan's own packages: exit %d\n%s", code, out)
	}
}

// TestCover runs with -cover: the test main the cover tool rewrites is
// still wrapped (the racy test fails), and the coverage counters, which
// gocsan switches to atomic mode, cause no reports in the race-free tests.
func TestCover(t *testing.T) {
	dir := abs(t, "../../testdata/racy")
	env := []string{"GOCSAN=skip=1 delay=1ms delay_budget=0"}
	out, code := gocsan(t, dir, env, "test", "-profile=ci", "-count=1", "-cover", "-run", "TestSafe|TestRacyField", ".")
	if code != 1 || !strings.Contains(out, "--- FAIL: TestRacyField") || strings.Contains(out, "--- FAIL: TestSafe") ||
		!strings.Contains(out, "coverage: ") {
		t.Errorf("gocsan test -cover: exit %d, want 1 with TestRacyField failing alone and a coverage line:\n%s", code, out)
	}
}

// TestBrokenPackage checks that a package that does not compile shows
// the compiler's own error at the original file and line, with gocsan's
// one warning that it was left uninstrumented.
func TestBrokenPackage(t *testing.T) {
	dir := abs(t, "../../testdata/racy")
	out, code := gocsan(t, dir, nil, "test", "-count=1", "./broken")
	if code == 0 || !strings.Contains(out, "broken/broken.go:7:9: cannot use \"forty-two\"") ||
		strings.Count(out, "gocsan: warning: example.com/racy/broken left uninstrumented") != 1 {
		t.Errorf("gocsan test ./broken: exit %d, want the compiler's error at broken.go:7:9 and one warning:\n%s", code, out)
	}
}
