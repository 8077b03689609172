package instrument

import (
	"go/ast"
	"go/token"
	"go/types"
)

// findShared returns the local variables that another goroutine may be
// able to reach and that may be written while it can: those whose address
// is taken (explicitly with &, or implicitly by a pointer-receiver method
// call or method value on an addressable value, or by slicing an array),
// and those referenced from a function literal other than the one
// declaring them (captured by a closure, which a go statement may run
// concurrently) that are written after their declaration.
//
// Every other local (including parameters, results and receivers) lives
// in the frame of one function invocation, and only the goroutine running
// that invocation can name it, so its accesses cannot race and are not
// instrumented. A captured local that is never written after its
// declaration cannot race either: its only write is its initialization,
// which happens before any closure naming it is created, so before any
// goroutine that could read it starts. Package-level variables are always
// shared and are not in the map.
//
// goVersion is the language version of the package (-lang), for files
// without a version of their own: before go1.22, the variables a range
// clause declares are shared by all iterations and written by each.
func findShared(info *types.Info, files []*ast.File, goVersion string) map[*types.Var]bool {
	shared := map[*types.Var]bool{}   // address-taken
	captured := map[*types.Var]bool{} // named by a closure
	written := map[*types.Var]bool{}  // assigned after their declaration
	var lits []*ast.FuncLit           // enclosing function literals, innermost last
	markRoot := func(e ast.Expr) {
		if v := rootVar(info, e); v != nil && isLocal(v) {
			shared[v] = true
		}
	}
	markWritten := func(e ast.Expr) {
		if v := rootVar(info, e); v != nil && isLocal(v) {
			written[v] = true
		}
	}
	markDef := func(e ast.Expr) {
		if id, ok := e.(*ast.Ident); ok {
			if v, ok := info.Defs[id].(*types.Var); ok {
				written[v] = true
			}
		}
	}
	perIteration := false // range variables are per iteration (go1.22)
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			visit(n.Type)
			lits = append(lits, n)
			ast.Inspect(n.Body, visit)
			lits = lits[:len(lits)-1]
			return false
		case *ast.FuncType:
			// A named result is written by every return with
			// operands (and may be by deferred code after it).
			if n.Results != nil {
				for _, f := range n.Results.List {
					for _, id := range f.Names {
						markDef(id)
					}
				}
			}
		case *ast.AssignStmt:
			for _, e := range n.Lhs {
				if id, ok := e.(*ast.Ident); ok && n.Tok == token.DEFINE {
					if info.Defs[id] == nil {
						// Redeclared by :=, so assigned.
						if v, ok := info.Uses[id].(*types.Var); ok && isLocal(v) {
							written[v] = true
						}
					}
					continue
				}
				markWritten(e)
			}
		case *ast.IncDecStmt:
			markWritten(n.X)
		case *ast.RangeStmt:
			switch {
			case n.Tok == token.ASSIGN:
				if n.Key != nil {
					markWritten(n.Key)
				}
				if n.Value != nil {
					markWritten(n.Value)
				}
			case n.Tok == token.DEFINE && !perIteration:
				if n.Key != nil {
					markDef(n.Key)
				}
				if n.Value != nil {
					markDef(n.Value)
				}
			}
		case *ast.ForStmt:
			// The variables of a for clause are updated between
			// iterations (shared by all of them before go1.22;
			// copied into the next one's since).
			if a, ok := n.Init.(*ast.AssignStmt); ok && a.Tok == token.DEFINE {
				for _, e := range a.Lhs {
					markDef(e)
				}
			}
		case *ast.Ident:
			if len(lits) == 0 {
				break
			}
			v, ok := info.Uses[n].(*types.Var)
			if !ok || !isLocal(v) {
				break
			}
			lit := lits[len(lits)-1]
			if v.Pos() < lit.Pos() || v.Pos() >= lit.End() {
				captured[v] = true
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				markRoot(n.X)
			}
		case *ast.SelectorExpr:
			sel := info.Selections[n]
			if sel == nil || sel.Kind() == types.FieldVal {
				break
			}
			if sel.Kind() == types.MethodVal && ptrRecv(sel) && !isPointer(info.TypeOf(n.X)) {
				markRoot(n.X)
			}
		case *ast.SliceExpr:
			if _, ok := coreType(info.TypeOf(n.X)).(*types.Array); ok {
				markRoot(n.X)
			}
		}
		return true
	}
	for _, f := range files {
		v := info.FileVersions[f]
		if v == "" {
			v = goVersion
		}
		// Empty: the toolchain's version, which is past go1.22.
		perIteration = v == "" || langVersion(v) >= 22
		ast.Inspect(f, visit)
	}
	for v := range captured {
		if written[v] {
			shared[v] = true
		}
	}
	return shared
}

// rootVar returns the variable whose storage holds e, when e is that
// variable or a field or array element of it (not through a pointer).
func rootVar(info *types.Info, e ast.Expr) *types.Var {
	for {
		switch x := e.(type) {
		case *ast.ParenExpr:
			e = x.X
		case *ast.Ident:
			v, _ := info.Uses[x].(*types.Var)
			return v
		case *ast.SelectorExpr:
			sel := info.Selections[x]
			if sel == nil || sel.Kind() != types.FieldVal || sel.Indirect() {
				return nil
			}
			e = x.X
		case *ast.IndexExpr:
			if _, ok := coreType(info.TypeOf(x.X)).(*types.Array); !ok {
				return nil
			}
			e = x.X
		default:
			return nil
		}
	}
}

// isLocal reports whether v is a variable declared inside a function
// (not a package-level variable or a struct field).
func isLocal(v *types.Var) bool {
	if v.IsField() || v.Pkg() == nil {
		return false
	}
	return v.Parent() != v.Pkg().Scope()
}

func isPkgLevel(v *types.Var) bool {
	return !v.IsField() && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
}

// ptrRecv reports whether the selected method has a pointer receiver.
func ptrRecv(sel *types.Selection) bool {
	f, ok := sel.Obj().(*types.Func)
	if !ok {
		return false
	}
	sig := f.Type().(*types.Signature)
	if sig.Recv() == nil {
		return false
	}
	return isPointer(sig.Recv().Type())
}

func isPointer(t types.Type) bool {
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Pointer)
	return ok
}

// coreType returns the underlying type of t, or for a type parameter the
// single underlying type all types of its type set share (nil if none).
func coreType(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	tp, ok := t.(*types.TypeParam)
	if !ok {
		return t.Underlying()
	}
	iface, ok := tp.Constraint().Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	var core types.Type
	found := false
	for i := 0; i < iface.NumEmbeddeds(); i++ {
		var terms []types.Type
		switch et := iface.EmbeddedType(i).Underlying().(type) {
		case *types.Union:
			for j := 0; j < et.Len(); j++ {
				terms = append(terms, et.Term(j).Type().Underlying())
			}
		case *types.Interface:
			if !et.IsMethodSet() {
				return nil // nested type set: not worth resolving
			}
		default:
			terms = append(terms, et)
		}
		for _, ut := range terms {
			if !found {
				core, found = ut, true
			} else if !types.Identical(core, ut) {
				return nil
			}
		}
	}
	return core
}
