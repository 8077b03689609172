package gobuild

import (
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The toolchain's own testing package is hooked: every race.Errors call
// goes to gocsanRaceErrors, the result parses, and no line moves.
func TestRaceHookFiles(t *testing.T) {
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("go env GOROOT: %v", err)
	}
	files, err := filepath.Glob(filepath.Join(strings.TrimSpace(string(goroot)), "src", "testing", "*.go"))
	if err != nil || len(files) == 0 {
		t.Skipf("no testing sources in GOROOT: %v", err)
	}
	var sources []string
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			sources = append(sources, f)
		}
	}
	changed, err := raceHookFiles(sources)
	if err != nil {
		t.Fatal(err)
	}
	decls := 0
	for f, src := range changed {
		s := string(src)
		if strings.Contains(s, "race.Errors()") && !strings.Contains(s, "n := race.Errors()") {
			t.Errorf("%s: a race.Errors call is left", f)
		}
		if !strings.HasPrefix(s, "//line "+f+":1\n") {
			t.Errorf("%s: the hooked file does not keep its name and lines by a //line directive", f)
		}
		decls += strings.Count(s, "var gocsanErrorsHook func() int")
		if _, err := parser.ParseFile(token.NewFileSet(), f, src, 0); err != nil {
			t.Errorf("%s does not parse after the hook: %v", f, err)
		}
	}
	if decls != 1 {
		t.Errorf("hook declared %d times, want once", decls)
	}
}

func TestHookRaceErrorsLines(t *testing.T) {
	src := "package testing\n\nimport \"internal/race\"\n\nfunc f() int {\n\treturn race.Errors() + 1\n}\n\nfunc g() { _ = race.Errors }\n"
	out, n, err := hookRaceErrors("x.go", []byte(src), true)
	if err != nil || n != 1 {
		t.Fatalf("hookRaceErrors: %d calls, %v", n, err)
	}
	s := string(out)
	if !strings.Contains(s, "package testing; import _ \"unsafe\"\n") || !strings.Contains(s, "\treturn gocsanRaceErrors() + 1\n") || !strings.Contains(s, "_ = race.Errors }") {
		t.Errorf("rewritten:\n%s", s)
	}
	if strings.Index(s, "gocsanRaceErrors() + 1") > 0 && strings.Count(s[:strings.Index(s, "gocsanRaceErrors() + 1")], "\n") != 5 {
		t.Errorf("the call moved to another line:\n%s", s)
	}
	if _, n, _ := hookRaceErrors("y.go", []byte("package testing\n"), true); n != 0 {
		t.Errorf("a file without internal/race hooked")
	}
}
