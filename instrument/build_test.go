package instrument

import (
	"encoding/json"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"testing"
)

// overlay rewrites the packages in dirs and returns a go command -overlay
// file replacing their files by the rewritten sources, so that the real
// compiler and vet check the rewritten code in place (the //line
// directives point back at the original files).
func overlay(t *testing.T, dirs ...string) string {
	t.Helper()
	return overlayLang(t, "", dirs...)
}

// overlayLang is overlay rewriting at language version lang.
func overlayLang(t *testing.T, lang string, dirs ...string) string {
	t.Helper()
	tmp := t.TempDir()
	replace := map[string]string{}
	for _, dir := range dirs {
		files := packageFiles(t, dir)
		res, err := Package(Config{ImportPath: path.Join("github.com/gocsan/gocsan/instrument", filepath.ToSlash(dir)), GoVersion: lang}, files)
		if err != nil {
			t.Fatal(err)
		}
		for name, src := range res.Files {
			abs, err := filepath.Abs(name)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(tmp, filepath.Base(dir)+"_"+filepath.Base(name))
			if err := os.WriteFile(out, src, 0o666); err != nil {
				t.Fatal(err)
			}
			replace[abs] = out
		}
	}
	js, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		t.Fatal(err)
	}
	ov := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(ov, js, 0o666); err != nil {
		t.Fatal(err)
	}
	return ov
}

func goCmd(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestWantBuildAndVet compiles and vets the rewritten want packages: every
// construct the rewriter handles must still compile, and be vet-clean
// since go test runs vet.
func TestWantBuildAndVet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	dirs, err := filepath.Glob("testdata/want/*")
	if err != nil || len(dirs) == 0 {
		t.Fatal("no testdata/want packages")
	}
	ov := overlay(t, dirs...)
	args := []string{"-overlay", ov}
	for _, d := range dirs {
		args = append(args, "./"+filepath.ToSlash(d))
	}
	goCmd(t, append([]string{"build"}, args...)...)
	goCmd(t, append([]string{"vet"}, args...)...)
}
