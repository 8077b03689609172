package instrument

import (
	"fmt"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"testing"
)

type tokAt struct {
	file      string
	line, col int
	tok       token.Token
	lit       string
	off       int // byte offset, not compared
}

// scanTokens returns the tokens of src with their positions as the
// compiler reports them, honouring //line and /*line*/ directives.
func scanTokens(t *testing.T, name string, src []byte) []tokAt {
	t.Helper()
	fset := token.NewFileSet()
	f := fset.AddFile(name, -1, len(src))
	var s scanner.Scanner
	s.Init(f, src, func(pos token.Position, msg string) { t.Errorf("%s: %s", pos, msg) }, 0)
	var out []tokAt
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue // automatic semicolons have no text
		}
		p := fset.Position(pos)
		out = append(out, tokAt{p.Filename, p.Line, p.Column, tok, lit, p.Offset})
	}
}

// TestExactPositions checks, for every testdata file, that each token of
// the original appears in the rewritten file at the same file, line and
// column as the compiler will report it: insertions never move user code.
func TestExactPositions(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/want/*")
	dirs = append(dirs, "testdata/run/positions")
	for _, dir := range dirs {
		files := packageFiles(t, dir)
		res, err := Package(Config{}, files)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			abs, _ := filepath.Abs(name)
			orig, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			rewritten, ok := res.Files[name]
			if !ok {
				continue
			}
			have := map[tokAt]int{}
			for _, tk := range scanTokens(t, abs+".rewritten", rewritten) {
				tk.off = 0
				have[tk]++
			}
		next:
			for _, tk := range scanTokens(t, abs, orig) {
				for _, rg := range res.replaced[name] {
					if tk.off >= rg[0] && tk.off < rg[1] {
						// Replaced on purpose (os.Exit -> the
						// runtime's Exit, defer rewrites).
						continue next
					}
				}
				tk.off = 0
				if have[tk] == 0 {
					t.Errorf("%s:%d:%d: %s %q not at its original position after rewriting", name, tk.line, tk.col, tk.tok, tk.lit)
					continue
				}
				have[tk]--
			}
		}
	}
}

func ExamplePackage() {
	res, err := Package(Config{ImportPath: "example.com/basic"}, []string{"testdata/want/basic/basic.go"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(res.Files), "file rewritten,", len(res.Warnings), "warnings")
	// Output: 1 file rewritten, 0 warnings
}
