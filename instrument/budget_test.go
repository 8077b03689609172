package instrument

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"testing"
)

// TestBudgetLocal checks, in the rewritten want and golden packages, that
// every function body naming the budget variable declares it as its first
// statement: no closure uses (captures) an enclosing function's budget,
// whose variable would live in memory shared by the goroutines running
// the closure, and no check comes before the declaration.
func TestBudgetLocal(t *testing.T) {
	dirs, err := filepath.Glob("testdata/want/*")
	if err != nil || len(dirs) == 0 {
		t.Fatal("no testdata/want packages")
	}
	var units [][]string
	for _, d := range dirs {
		units = append(units, packageFiles(t, d))
	}
	golden, _ := filepath.Glob("testdata/golden/*.go")
	for _, f := range golden {
		units = append(units, []string{f})
	}
	declared := 0
	for _, files := range units {
		res, err := Package(Config{ImportPath: "example.com/budget"}, files)
		if err != nil {
			t.Fatal(err)
		}
		for name, src := range res.Files {
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
			if err != nil {
				t.Fatalf("%s: rewritten file does not parse: %v", name, err)
			}
			declared += checkBudgetLocal(t, fset, f)
		}
	}
	if declared == 0 {
		t.Error("no function declares a budget")
	}
}

// checkBudgetLocal checks the function bodies of f and returns how many
// declare the budget.
func checkBudgetLocal(t *testing.T, fset *token.FileSet, f *ast.File) int {
	declared := 0
	var body func(b *ast.BlockStmt)
	body = func(b *ast.BlockStmt) {
		uses, decls := 0, 0
		ast.Inspect(b, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				body(n.Body)
				return false
			case *ast.AssignStmt:
				if n.Tok == token.DEFINE {
					for _, l := range n.Lhs {
						if id, ok := l.(*ast.Ident); ok && id.Name == budgetName {
							decls++
						}
					}
				}
			case *ast.Ident:
				if n.Name == budgetName {
					uses++
				}
			}
			return true
		})
		if uses == 0 {
			return
		}
		first, ok := b.List[0].(*ast.AssignStmt)
		if !ok || first.Tok != token.DEFINE || len(first.Lhs) != 1 || first.Lhs[0].(*ast.Ident).Name != budgetName || decls != 1 {
			t.Errorf("%s: function body uses %s without declaring it (once) as its first statement", fset.Position(b.Pos()), budgetName)
			return
		}
		if uses == 1 {
			t.Errorf("%s: %s declared and not used", fset.Position(b.Pos()), budgetName)
		}
		declared++
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Body != nil {
				body(d.Body)
			}
		default:
			ast.Inspect(d, func(n ast.Node) bool {
				if lit, ok := n.(*ast.FuncLit); ok {
					body(lit.Body)
					return false
				}
				return true
			})
		}
	}
	return declared
}
