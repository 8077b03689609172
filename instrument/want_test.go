package instrument

import (
	"fmt"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The want tests follow golang.org/x/tools/go/analysis/analysistest: each
// package under testdata/want marks, on the line of every access that must
// be instrumented, the checks expected there:
//
//	p.x = 1 // want "Write p.x 8"
//
// Every inserted check must be wanted on its line and every wanted check
// inserted; a line without a want comment must get no check at all, which
// is how the tests state what must not be instrumented. A warning about
// an access left uninstrumented is wanted as "warning".

// packageFiles returns the .go files of a testdata package directory.
func packageFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	return files
}

var sizeofRE = regexp.MustCompile(`__gocsan_unsafe\.Sizeof\(.*\)$`)

func TestWant(t *testing.T) {
	dirs, err := filepath.Glob("testdata/want/*")
	if err != nil || len(dirs) == 0 {
		t.Fatal("no testdata/want packages")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) { checkWants(t, dir) })
	}
}

// checkWants rewrites the package in dir and compares the inserted checks
// and warnings with its want comments.
func checkWants(t *testing.T, dir string) {
	t.Helper()
	files := packageFiles(t, dir)
	res, err := Package(Config{ImportPath: "example.com/" + filepath.Base(dir)}, files)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{} // "file:line" -> descs
	for _, s := range res.sites {
		k := fmt.Sprintf("%s:%d", filepath.Base(s.file), s.line)
		got[k] = append(got[k], sizeofRE.ReplaceAllString(s.desc, "Sizeof"))
	}
	for _, w := range res.Warnings {
		// "file:line:col: gocsan: msg" is wanted as "warning".
		parts := strings.SplitN(w, ":", 3)
		k := filepath.Base(parts[0]) + ":" + parts[1]
		got[k] = append(got[k], "warning")
	}
	want := map[string][]string{}
	for _, f := range files {
		for line, ws := range wantComments(t, f) {
			want[fmt.Sprintf("%s:%d", filepath.Base(f), line)] = ws
		}
	}
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	var sorted []string
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		g, w := append([]string(nil), got[k]...), append([]string(nil), want[k]...)
		sort.Strings(g)
		sort.Strings(w)
		if !slices.Equal(g, w) {
			t.Errorf("%s: instrumented %q, want %q", k, g, w)
		}
	}
}

// wantComments returns the quoted strings of each line's "// want" comment.
func wantComments(t *testing.T, file string) map[int][]string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	tf := fset.AddFile(file, -1, len(src))
	var s scanner.Scanner
	s.Init(tf, src, nil, scanner.ScanComments)
	out := map[int][]string{}
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok != token.COMMENT || !strings.HasPrefix(lit, "// want ") {
			continue
		}
		line := fset.Position(pos).Line
		rest := strings.TrimSpace(strings.TrimPrefix(lit, "// want "))
		for rest != "" {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				t.Fatalf("%s:%d: bad want comment: %v", file, line, err)
			}
			w, _ := strconv.Unquote(q)
			out[line] = append(out[line], w)
			rest = strings.TrimSpace(rest[len(q):])
		}
	}
	return out
}
