package instrument

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoTestCorpus rewrites the "// run" programs of a directory of the Go
// distribution's own test suite, builds them against gocsan's runtime and
// runs them: each must behave as the original (the same output as its
// .out file, exit status 0) unless gocsan reports a race (exit status 66,
// printed for review: the corpus has a few real ones). It takes minutes,
// so it runs only when asked:
//
//	GOCSAN_CORPUS=$(go env GOROOT)/test/typeparam go test ./instrument -run TestGoTestCorpus -v
func TestGoTestCorpus(t *testing.T) {
	dir := os.Getenv("GOCSAN_CORPUS")
	if dir == "" {
		t.Skip("set GOCSAN_CORPUS to a directory of the Go test suite, e.g. $(go env GOROOT)/test")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s", dir)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	// A module that requires gocsan through a directory replace.
	mod := t.TempDir()
	gomod := "module corpus\n\ngo 1.26\n\nrequire github.com/gocsan/gocsan v0.0.0\n\nreplace github.com/gocsan/gocsan => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.sum"), sum, 0o666); err != nil {
		t.Fatal(err)
	}
	origs := map[string]string{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(src, []byte("// run\n")) {
			continue
		}
		res, err := Package(Config{}, []string{f})
		if err != nil {
			continue // cgo, or needs other files: not a one-file program
		}
		out, ok := res.Files[f]
		if !ok {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(f), ".go")
		d := filepath.Join(mod, "c", name)
		if err := os.MkdirAll(d, 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "main.go"), out, 0o666); err != nil {
			t.Fatal(err)
		}
		origs[name] = f
	}
	build := exec.Command("go", "build", "-mod=mod", "-o", filepath.Join(mod, "bin")+string(filepath.Separator), "./c/...")
	build.Dir = mod
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	pass, races := 0, 0
	for name, f := range origs {
		bin := filepath.Join(mod, "bin", name)
		if _, err := os.Stat(bin); err != nil {
			delete(origs, name) // excluded by its build constraints
			continue
		}
		cmd := exec.Command(bin)
		cmd.Dir = filepath.Dir(f)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee) && ee.ExitCode() == 66:
			races++
			t.Logf("%s: race reported (check it is real):\n%s", f, firstLines(out, 12))
			continue
		case err != nil:
			t.Errorf("%s: %v\n%s", f, err, firstLines(out, 20))
			continue
		}
		if want, err := os.ReadFile(strings.TrimSuffix(f, ".go") + ".out"); err == nil && !bytes.Equal(out, want) {
			t.Errorf("%s: output differs:\n%s\nwant:\n%s", f, firstLines(out, 20), firstLines(want, 20))
			continue
		}
		pass++
	}
	t.Logf("%d programs: %d as uninstrumented, %d reported races", len(origs), pass, races)
}

func firstLines(b []byte, n int) string {
	lines := strings.SplitN(string(b), "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
