package instrument

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInput checks that files that do not parse or type-check give an
// error naming file, line and column, and never a panic or output.
func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"typeerr.go.txt", []string{"typeerr.go:4:17: cannot use 1", "typeerr.go:5:9: undefined: undefined"}},
		{"syntax.go.txt", []string{"syntax.go:5:1: expected operand"}},
	} {
		src, err := os.ReadFile(filepath.Join("testdata/bad", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(t.TempDir(), strings.TrimSuffix(tc.file, ".txt"))
		if err := os.WriteFile(name, src, 0o666); err != nil {
			t.Fatal(err)
		}
		res, err := Package(Config{}, []string{name})
		if err == nil {
			t.Errorf("%s: no error, result %v", tc.file, res)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tc.file, err, w)
			}
		}
	}
	if _, err := Package(Config{}, []string{"testdata/bad/missing.go"}); err == nil || !strings.Contains(err.Error(), "missing.go") {
		t.Errorf("missing file: error %v", err)
	}
	if _, err := Package(Config{}, nil); err == nil {
		t.Error("no files: no error")
	}
	if _, err := Package(Config{ImportCfg: "testdata/bad/nonexistent.importcfg"}, []string{"testdata/want/basic/basic.go"}); err == nil {
		t.Error("missing importcfg: no error")
	}
}

// TestCgo rewrites a package using cgo and runs its test: the preamble
// stays attached to import "C" and the program still builds and works.
func TestCgo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with cgo")
	}
	cc := strings.TrimSpace(goCmd(t, "env", "CC"))
	if _, err := exec.LookPath(cc); err != nil || strings.TrimSpace(goCmd(t, "env", "CGO_ENABLED")) != "1" {
		t.Skipf("cgo unavailable (CC=%q, CGO_ENABLED=%s)", cc, strings.TrimSpace(goCmd(t, "env", "CGO_ENABLED")))
	}
	dir := "testdata/cgo"
	checkWants(t, dir)
	ov := overlay(t, dir)
	goCmd(t, "vet", "-overlay", ov, "./"+dir)
	goCmd(t, "test", "-count=1", "-overlay", ov, "./"+dir)
}

// TestDeepChainBounded rewrites a 252-level index chain (after Go's
// test/fixedbugs/issue29312.go): the inserted text must stay bounded
// instead of growing with the cube of the depth, and the deep levels are
// left uninstrumented with warnings.
func TestDeepChainBounded(t *testing.T) {
	const depth = 252
	src := "package deep\n\nfunc f(s " + strings.Repeat("[]", depth) + "*int) int {\n\treturn *s" + strings.Repeat("[0]", depth) + "\n}\n"
	name := filepath.Join(t.TempDir(), "deep.go")
	if err := os.WriteFile(name, []byte(src), 0o666); err != nil {
		t.Fatal(err)
	}
	res, err := Package(Config{}, []string{name})
	if err != nil {
		t.Fatal(err)
	}
	out := res.Files[name]
	if len(out) > 20*len(src) {
		t.Errorf("rewritten file is %d bytes for %d of source", len(out), len(src))
	}
	if len(res.Warnings) == 0 {
		t.Error("no warning for the levels left uninstrumented")
	}
	if !strings.Contains(string(out), "__gocsan.ReadSlow(") {
		t.Error("shallow levels not instrumented")
	}
}
