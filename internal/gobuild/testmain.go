package gobuild

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
)

// The code added to a test binary's _testmain.go. Each test function is
// wrapped so that a race reported while it runs fails it, with the
// message go test -race uses; and the exit of the binary is routed
// through a function that fails a run whose tests passed although races
// were reported (from TestMain, init, or a goroutine outliving its test).
const testmainHelpers = `

func _gocsanWrap(f func(*testing.T)) func(*testing.T) {
	return func(t *testing.T) {
		before := _gocsanrt.Reports()
		defer func() {
			if _gocsanrt.Reports() != before {
				t.Errorf("race detected during execution of test")
			}
		}()
		f(t)
	}
}

func _gocsanExit(code int) {
	if code == 0 && _gocsanrt.Reports() != 0 {
		os.Stderr.WriteString("testing: race detected outside of test execution\n")
		code = 1
	}
	os.Exit(code)
}
`

// rewriteTestmain returns src, the _testmain.go the go command generated,
// with the test functions wrapped and os.Exit replaced. It edits the text
// at offsets found with go/ast rather than reprinting, so the rest of the
// file stays byte for byte what the go command wrote.
func rewriteTestmain(filename string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	type edit struct {
		off  int
		del  int
		text string
	}
	var edits []edit
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	sawTests := false
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			if len(vs.Names) != 1 || vs.Names[0].Name != "tests" || len(vs.Values) != 1 {
				continue
			}
			lit, ok := vs.Values[0].(*ast.CompositeLit)
			if !ok {
				return nil, fmt.Errorf("%s: var tests is not a composite literal", filename)
			}
			sawTests = true
			for _, e := range lit.Elts {
				t, ok := e.(*ast.CompositeLit)
				if !ok || len(t.Elts) != 2 {
					return nil, fmt.Errorf("%s: unexpected testing.InternalTest literal", fset.Position(e.Pos()))
				}
				fn := t.Elts[1]
				edits = append(edits, edit{off: off(fn.Pos()), text: "_gocsanWrap("}, edit{off: off(fn.End()), text: ")"})
			}
		}
	}
	if !sawTests {
		return nil, fmt.Errorf("%s: no var tests in the generated test main", filename)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); ok && x.Name == "os" && sel.Sel.Name == "Exit" {
			edits = append(edits, edit{off: off(sel.Pos()), del: off(sel.End()) - off(sel.Pos()), text: "_gocsanExit"})
		}
		return true
	})
	// A second import declaration right after the package clause keeps
	// every later line where it was.
	edits = append(edits, edit{off: off(f.Name.End()), text: "; import _gocsanrt \"" + RuntimePath + "\""})
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].off < edits[j].off })
	out := make([]byte, 0, len(src)+len(testmainHelpers)+64*len(edits))
	last := 0
	for _, e := range edits {
		out = append(out, src[last:e.off]...)
		out = append(out, e.text...)
		last = e.off + e.del
	}
	out = append(out, src[last:]...)
	out = append(out, testmainHelpers...)
	return out, nil
}
