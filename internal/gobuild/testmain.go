package gobuild

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
)

// The code added to a test binary's _testmain.go: the exit of the binary
// is routed through a function that fails a run whose tests passed
// although races were reported after the tests ran (in TestMain after
// m.Run, or a goroutine outliving the tests). Races during a test fail
// it through the testing package's own check of internal/race.Errors,
// which gocsan's build hooks (racehook.go), so no wrapper frame stands
// between tRunner and the test function: runtime.Caller depths in tests
// are what they are under go test and go test -race. The engine ends the
// process through os.Exit (not its own system call), so that go test's
// check of an os.Exit(0) during a test still applies.
const testmainHelpers = `

func init() { _gocsanrt.SetExit(os.Exit) }

func _gocsanExit(code int) {
	if code == 0 && _gocsanrt.Reports() != 0 {
		os.Stderr.WriteString("testing: race detected outside of test execution\n")
		code = 1
	}
	os.Exit(code)
}
`

// rewriteTestmain returns src, the _testmain.go the go command generated,
// with os.Exit replaced. It edits the text
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
