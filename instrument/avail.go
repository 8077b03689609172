package instrument

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// Redundant checks in straight-line code. Within one statement list,
// walked in order, a check of an address that an earlier statement of the
// same list already checked with a kind at least as strong (a write or
// read-write covers a read, a write or read-write covers either) is
// dropped, as long as nothing that could let another goroutine's access
// in or change the address ran in between:
//
//   - a barrier clears what is known: a call (other than a conversion or
//     len, cap, min, max, real, imag, complex), a channel operation, a go,
//     defer or select statement, any compound statement (its nested
//     blocks start with nothing known, and after it nothing is known), a
//     label (a jump target), a statement //gocsan:ignore excludes;
//   - an assignment to a local variable the address is computed from
//     forgets the checks that depend on it.
//
// Only addresses computed from variables' own addresses, constants and
// the values of locals that no other goroutine can write (not shared, see
// findShared: their values change only by the assignments of the
// function's own statements) are remembered. The header of an if or
// switch statement (init, conditions, case expressions) evaluated right
// after straight-line statements uses what they checked, unless it holds
// a barrier itself or an init statement that assigns; the checks its
// header makes before the statement cover what the header evaluates later
// (right operands of && and ||, else-if conditions). Nothing inside a
// compound statement's blocks uses or adds to it, and after the statement
// nothing is known.

// An avail is what the straight-line statements walked so far in one
// statement list have checked.
type avail struct {
	m map[string]availEntry
}

type availEntry struct {
	strength int
	deps     []*types.Var
}

func newAvail() *avail { return &avail{m: map[string]availEntry{}} }

func (a *avail) clear() {
	if a != nil {
		clear(a.m)
	}
}

// covered reports whether a check of strength s at key is redundant.
func (a *avail) covered(key string, s int) bool {
	if a == nil {
		return false
	}
	e, ok := a.m[key]
	return ok && e.strength >= s
}

func (a *avail) add(key string, s int, deps []*types.Var) {
	if e, ok := a.m[key]; ok && e.strength >= s {
		return
	}
	a.m[key] = availEntry{strength: s, deps: deps}
}

// forget drops the checks whose address depends on one of vs.
func (a *avail) forget(vs []*types.Var) {
	if a == nil || len(vs) == 0 {
		return
	}
	for k, e := range a.m {
		for _, d := range e.deps {
			for _, v := range vs {
				if d == v {
					delete(a.m, k)
				}
			}
		}
	}
}

// An availKey identifies the address a check is on, for elimination: the
// variables its text names (by identity: the same name may denote another
// variable after a declaration) and those whose values it depends on.
type availKey struct {
	objs string
	deps []*types.Var
}

// strengthOf ranks the plain and ranged check kinds: 1 reads, 2 writes.
func strengthOf(name string) int {
	switch name {
	case "Read", "ReadRange":
		return 1
	case "Write", "WriteRange", "ReadWrite":
		return 2
	}
	return 0
}

// addrKey returns the key of the address of the addressable expression
// e, or nil when it may change other than by an assignment to a local.
func (r *fileRewriter) addrKey(e ast.Expr) *availKey {
	k := &availKey{}
	if !r.addrDeps(e, k) {
		return nil
	}
	return r.finishKey(e, k)
}

// valueKey is addrKey for an address held in the pointer or slice value
// of e (*e, e's backing array).
func (r *fileRewriter) valueKey(e ast.Expr) *availKey {
	k := &availKey{}
	if !r.valueDeps(e, k) {
		return nil
	}
	return r.finishKey(e, k)
}

func (r *fileRewriter) finishKey(e ast.Expr, k *availKey) *availKey {
	var b strings.Builder
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			fmt.Fprintf(&b, "%p,", r.info.Uses[id])
		}
		return true
	})
	k.objs = b.String()
	return k
}

func (r *fileRewriter) addrDeps(e ast.Expr, k *availKey) bool {
	switch x := unparen(e).(type) {
	case *ast.Ident:
		_, ok := r.info.Uses[x].(*types.Var)
		return ok // a variable's address does not change
	case *ast.SelectorExpr:
		sel := r.info.Selections[x]
		if sel == nil {
			_, ok := r.info.Uses[x.Sel].(*types.Var)
			return ok
		}
		if sel.Kind() != types.FieldVal {
			return false
		}
		// No pointer embedded on the path to a promoted field.
		t := r.info.TypeOf(x.X)
		idx := sel.Index()
		for _, i := range idx[:len(idx)-1] {
			st, ok := deref(t).Underlying().(*types.Struct)
			if !ok {
				return false
			}
			t = st.Field(i).Type()
			if isPointer(t) {
				return false
			}
		}
		if isPointer(r.info.TypeOf(x.X)) {
			return r.valueDeps(x.X, k)
		}
		return r.addrDeps(x.X, k)
	case *ast.IndexExpr:
		switch coreType(r.info.TypeOf(x.X)).(type) {
		case *types.Slice, *types.Pointer:
			return r.valueDeps(x.X, k) && r.valueDeps(x.Index, k)
		case *types.Array:
			return r.addrDeps(x.X, k) && r.valueDeps(x.Index, k)
		}
	case *ast.StarExpr:
		return r.valueDeps(x.X, k)
	}
	return false
}

// valueDeps reports whether e's value is a constant or the value of a
// local that only this function's statements can write.
func (r *fileRewriter) valueDeps(e ast.Expr, k *availKey) bool {
	if tv, ok := r.info.Types[e]; ok && tv.Value != nil {
		return true
	}
	switch x := unparen(e).(type) {
	case *ast.Ident:
		v, ok := r.info.Uses[x].(*types.Var)
		if !ok || !isLocal(v) || r.shared[v] {
			return false
		}
		k.deps = append(k.deps, v)
		return true
	}
	return false
}

// hasBarrier reports whether evaluating the nodes ns (function literals'
// bodies excluded) calls a function other than a conversion or a builtin
// without effects on memory, or operates on a channel.
func (r *fileRewriter) hasBarrier(ns ...ast.Node) bool {
	found := false
	for _, n := range ns {
		if n == nil || found {
			continue
		}
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.SendStmt, *ast.GoStmt, *ast.DeferStmt, *ast.SelectStmt:
				found = true
			case *ast.UnaryExpr:
				if n.Op == token.ARROW {
					found = true
				}
			case *ast.CallExpr:
				if tv, ok := r.info.Types[n.Fun]; ok && tv.IsType() {
					break
				}
				switch (&collector{r: r}).builtin(n.Fun) {
				case "len", "cap", "min", "max", "real", "imag", "complex":
				default:
					found = true
				}
			}
			return !found
		})
	}
	return found
}

// straightLine reports whether s is a simple statement that is no
// barrier: what it checks is remembered for the statements after it.
func (r *fileRewriter) straightLine(s ast.Stmt) bool {
	switch s.(type) {
	case *ast.AssignStmt, *ast.ExprStmt, *ast.IncDecStmt, *ast.DeclStmt, *ast.EmptyStmt:
		return !r.hasBarrier(s)
	}
	return false
}

// headerUsesAvail reports whether the header of the compound statement
// s may use what the statements before it checked: s is an if (with its
// else-if chain) or switch whose header holds no barrier, and whose init
// statements only declare new variables (an assignment could change an
// address a check depends on between the init and the condition).
func (r *fileRewriter) headerUsesAvail(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.IfStmt:
		for {
			if r.hasBarrier(s.Init, s.Cond) || !r.declaresOnly(s.Init) {
				return false
			}
			next, ok := s.Else.(*ast.IfStmt)
			if !ok {
				return true
			}
			s = next
		}
	case *ast.SwitchStmt:
		if r.hasBarrier(s.Init, s.Tag) || !r.declaresOnly(s.Init) {
			return false
		}
		for _, cl := range s.Body.List {
			for _, x := range cl.(*ast.CaseClause).List {
				if r.hasBarrier(x) {
					return false
				}
			}
		}
		return true
	}
	return false
}

// declaresOnly reports whether the init statement s is absent or a short
// variable declaration of new variables only.
func (r *fileRewriter) declaresOnly(s ast.Stmt) bool {
	if s == nil {
		return true
	}
	a, ok := s.(*ast.AssignStmt)
	if !ok || a.Tok != token.DEFINE {
		return false
	}
	for _, e := range a.Lhs {
		id, ok := e.(*ast.Ident)
		if !ok || (id.Name != "_" && r.info.Defs[id] == nil) {
			return false
		}
	}
	return true
}

// assignedLocals returns the variables the straight-line statement s
// assigns or declares (the roots of its assignment targets).
func (r *fileRewriter) assignedLocals(s ast.Stmt) []*types.Var {
	var vs []*types.Var
	add := func(e ast.Expr) {
		if id, ok := unparen(e).(*ast.Ident); ok {
			if v, ok := r.info.Defs[id].(*types.Var); ok {
				vs = append(vs, v)
				return
			}
		}
		if v := rootVar(r.info, e); v != nil {
			vs = append(vs, v)
		}
	}
	switch s := s.(type) {
	case *ast.AssignStmt:
		for _, e := range s.Lhs {
			add(e)
		}
	case *ast.IncDecStmt:
		add(s.X)
	case *ast.DeclStmt:
		if g, ok := s.Decl.(*ast.GenDecl); ok {
			for _, spec := range g.Specs {
				if vs2, ok := spec.(*ast.ValueSpec); ok {
					for _, id := range vs2.Names {
						add(id)
					}
				}
			}
		}
	}
	return vs
}
