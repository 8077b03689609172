package gobuild

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"sort"
)

// The testing package asks the race detector how many races it has
// reported (internal/race.Errors, before and after each test, subtest
// and parallel test) and fails a test during which the number grew with
// "race detected during execution of test". Under gocsan the build
// rewrites those calls in package testing to ask gocsan's runtime too,
// through a hook variable the runtime sets at init (runtime/racehook.go),
// so testing fails a racing test itself, exactly as under go test -race,
// and no wrapper frame stands between tRunner and the test function.
//
// The hook is in testing rather than in internal/race because most of
// the standard library imports internal/race, and a changed
// internal/race changes the fingerprints of everything above it, which
// the runtime's prebuilt archives were not compiled against; nothing
// the runtime imports imports testing. It is a variable rather than a
// linknamed function so that a test binary that does not link gocsan's
// runtime (the tests of the runtime's own dependencies) still links: the
// hook stays nil and testing counts -race's reports only.
const raceHookDecl = `

// gocsanErrorsHook is set by gocsan's runtime when it is linked in.
//
//go:linkname gocsanErrorsHook
var gocsanErrorsHook func() int

// gocsanRaceErrors is race.Errors plus the races gocsan reported.
func gocsanRaceErrors() int {
	n := race.Errors()
	if f := gocsanErrorsHook; f != nil {
		n += f()
	}
	return n
}
`

// raceHookFiles returns testing's files that call race.Errors, with the
// calls going to gocsanRaceErrors, by path.
func raceHookFiles(files []string) (map[string][]byte, error) {
	changed := map[string][]byte{}
	declared := false
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out, n, err := hookRaceErrors(f, src, !declared)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			// The file is compiled from gocsan's work directory: the
			// directive keeps its frames and positions at the
			// toolchain's own file, as in any other build.
			changed[f] = append([]byte("//line "+f+":1\n"), out...)
			declared = true
		}
	}
	if !declared {
		return nil, fmt.Errorf("package testing of this Go version calls no race.Errors to hook")
	}
	return changed, nil
}

// hookRaceErrors rewrites the race.Errors() calls of one file, returning
// the new source and the number of calls; with declare, the hook's
// declarations are appended.
func hookRaceErrors(filename string, src []byte, declare bool) ([]byte, int, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, 0, err
	}
	raceName, unsafeImported := "", false
	for _, imp := range f.Imports {
		switch imp.Path.Value {
		case `"internal/race"`:
			raceName = "race"
			if imp.Name != nil {
				raceName = imp.Name.Name
			}
		case `"unsafe"`:
			unsafeImported = true
		}
	}
	if raceName == "" {
		return nil, 0, nil
	}
	var calls []*ast.CallExpr
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 0 {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Errors" {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == raceName {
				calls = append(calls, call)
			}
		}
		return true
	})
	if len(calls) == 0 {
		return nil, 0, nil
	}
	sort.Slice(calls, func(i, j int) bool { return calls[i].Pos() < calls[j].Pos() })
	var b bytes.Buffer
	last := 0
	for _, c := range calls {
		// Same line, so positions after it stay where they were.
		b.Write(src[last:fset.Position(c.Pos()).Offset])
		b.WriteString("gocsanRaceErrors()")
		last = fset.Position(c.End()).Offset
	}
	b.Write(src[last:])
	if declare {
		b.WriteString(raceHookDecl)
		if !unsafeImported {
			// go:linkname needs unsafe imported in the file; a second
			// import declaration after the package clause keeps every
			// line where it was.
			out := b.Bytes()
			at := fset.Position(f.Name.End()).Offset
			out = append(out[:at:at], append([]byte(`; import _ "unsafe"`), out[at:]...)...)
			return out, len(calls), nil
		}
	}
	return b.Bytes(), len(calls), nil
}
