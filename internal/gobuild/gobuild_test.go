package gobuild

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The test binary doubles as the gocsan binary: the driver passes
// os.Executable() as the go command's -toolexec, so when it is started as
// "<test binary> toolexec tool args..." it runs Toolexec with markRewriter.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "toolexec" {
		os.Exit(Toolexec(os.Args[2:], markRewriter{}))
	}
	os.Exit(m.Run())
}

// markRewriter stands in for package instrument in these tests: it turns
// each /*W:x*/ comment into a runtime.Write of x, on the same line, so
// the plumbing (file substitution, importcfg, link, test main, report
// gathering) is tested on its own.
type markRewriter struct{}

var pkgRE = regexp.MustCompile(`(?m)^package \w+`)

var markRE = regexp.MustCompile(`/\*W:([A-Za-z_][A-Za-z0-9_.]*)\*/`)

func (markRewriter) Rewrite(pkg Package, files []string) (map[string][]byte, []string, error) {
	out := map[string][]byte{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		if !markRE.Match(src) {
			continue
		}
		src = markRE.ReplaceAll(src, []byte(`_gocsanrt.Write(uintptr(_gocsanunsafe.Pointer(&$1)), _gocsanunsafe.Sizeof($1));`))
		loc := pkgRE.FindIndex(src)
		if loc == nil {
			return nil, nil, fmt.Errorf("%s: no package clause", f)
		}
		i := loc[1]
		src = append(src[:i:i], append([]byte(`; import (_gocsanrt "`+RuntimePath+`"; _gocsanunsafe "unsafe")`), src[i:]...)...)
		// The line directive keeps positions on the original file.
		out[f] = append([]byte("//line "+f+":1\n"), src...)
	}
	return out, nil, nil
}

func (markRewriter) AddedImports() []string { return []string{RuntimePath, "unsafe"} }

func runGocsan(t *testing.T, dir, sub string, args ...string) (string, int) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var out bytes.Buffer
	code := Run(sub, args, &out, &out)
	return out.String(), code
}

func TestPlumbing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with the go command")
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("GOCSAN", "skip=1 delay=2ms unknown_origin=0")
	dir, _ := filepath.Abs("testdata/plumb")

	out, code := runGocsan(t, dir, "test", "-count=1", "./racy")
	t.Logf("gocsan test ./racy:\n%s", out)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	for _, want := range []string{
		"--- FAIL: TestRace",
		"race detected during execution of test",
		"BUG: KCSAN: data-race in example.com/plumb/racy.Bump.func1",
		"racy.go:20",
		"gocsan: 1 race in 1 package (example.com/plumb/racy)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "--- FAIL: TestSafe") {
		t.Errorf("TestSafe failed")
	}
	if n := strings.Count(out, "BUG: KCSAN"); n != 1 {
		t.Errorf("%d reports printed, want 1 (deduplicated)", n)
	}

	// A race-free package passes, and a second identical run is served
	// from go test's cache.
	out, code = runGocsan(t, dir, "test", "./safe")
	if code != 0 {
		t.Fatalf("gocsan test ./safe: exit %d\n%s", code, out)
	}
	out, code = runGocsan(t, dir, "test", "./safe")
	if code != 0 || !strings.Contains(out, "(cached)") {
		t.Errorf("second gocsan test ./safe: exit %d, want 0 and (cached):\n%s", code, out)
	}
}

// A package of a dependency named on the command line is instrumented,
// as go test -race instruments it, and -v lists it.
func TestNamedDependency(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with the go command")
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("GOCSAN", "skip=1 delay=2ms unknown_origin=0")
	dir, _ := filepath.Abs("testdata/user")

	out, code := runGocsan(t, dir, "test", "-v", "-count=1", "-run=TestRace", "example.com/plumb/racy")
	t.Logf("gocsan test -v example.com/plumb/racy:\n%s", out)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	for _, want := range []string{
		"gocsan: instrumenting example.com/plumb/racy\n",
		"gocsan: instrumented packages: 1\n",
		"racy.go:20",
		"race detected during execution of test",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "gocsan: instrumenting example.com/user") {
		t.Errorf("listed a package the build does not contain")
	}
}
