package instrument

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Hoisting the per-element checks of simple range loops. In
//
//	for i := range s { t += s[i] }
//	for i := range s { s[i] *= k }
//
// every iteration would run a check of s[i]. Instead, one ranged check of
// s's whole backing array (len(s) elements) goes before the loop, with the
// position of the first hoisted access, and the accesses s[i] get none. A
// watchpoint armed over the range before the loop reports the accesses
// other goroutines make to it during its delay; such an access is a race
// only if the loop then really accesses that element, with nothing in
// between that could order the two accesses. Hence the conditions, all
// checked by hoistRange:
//
//   - The loop is for i := range s or for i, v := range s: i is declared
//     by the clause, s is a local slice variable (not an array, pointer to
//     array, string, map, channel, integer or function: only a slice's
//     elements i are exactly s[0:len(s)]); neither is shared (address
//     taken, or captured and written: no other goroutine and no pointer
//     can change them) nor assigned in the body, so s[i] is the i-th
//     element of the backing array the check saw, for every i in order.
//   - The body calls nothing but len, cap, min, max and conversions, and
//     has no channel operation, select, go, defer or function literal: a
//     call or channel operation could synchronize with the other goroutine
//     (a lock, a send, a WaitGroup) after the check and before the access,
//     making the reported access ordered before it rather than racing
//     with it. (A called function could also change s or exit the loop.)
//   - The body cannot leave the loop early: no break, goto, return, label
//     or labeled continue, so every iteration runs and reaches every
//     element. A panic in the body (a nil dereference, a failed index or
//     type assertion, a division by zero) can still stop it early: the one
//     over-approximation, which reports an element the loop never reached.
//   - Only accesses of the exact form s[i] as a whole element (read as a
//     value or assigned to, not s[i].f, s[i][j], len(s[i]) or s[i+1]) are
//     hoisted: the watched bytes must be exactly the bytes the loop
//     touches. Watching whole struct elements for a loop that only reads
//     s[i].f would report a goroutine writing another field of the
//     element, which is no race. Taking the address of (part of) s[i]
//     anywhere in the body disqualifies the loop.
//   - Only accesses executed on every iteration are hoisted: those of the
//     top-level statements of the body (and their nested plain blocks)
//     before the first one that is or holds a continue, outside the right
//     operands of && and ||, and in if and switch statements only those of
//     the header (init, condition, tag), which runs every time. The
//     statement holding the first continue contributes its header if it
//     is an if. Other accesses keep their own checks.
//   - No //gocsan:ignore directive inside the body.
//
// If every hoisted access is a read, the check is a ranged read;
// otherwise a ranged write, which covers reads. for i, v := range s
// already reads every element with one ranged read before the loop: that
// check also covers hoisted reads, and a hoisted write replaces it.

// A hoist is the hoisting decision for one range loop.
type hoist struct {
	s     *ast.Ident
	slice *types.Slice
	write bool      // some hoisted access writes the element
	first token.Pos // the first hoisted access, the check's position
	n     int       // number of hoisted accesses
}

// hoistRange decides whether the per-element checks of the range loop rs
// can be hoisted (see above) and marks the hoisted accesses in r.hoisted,
// which the collector then skips. It returns nil when nothing is hoisted.
func (r *fileRewriter) hoistRange(rs *ast.RangeStmt) *hoist {
	if rs.Tok != token.DEFINE {
		return nil
	}
	key, ok := rs.Key.(*ast.Ident)
	if !ok || key.Name == "_" {
		return nil
	}
	iv, ok := r.info.Defs[key].(*types.Var)
	if !ok || r.shared[iv] {
		return nil
	}
	sid, ok := unparen(rs.X).(*ast.Ident)
	if !ok {
		return nil
	}
	sv, ok := r.info.Uses[sid].(*types.Var)
	if !ok || !isLocal(sv) || r.shared[sv] {
		return nil
	}
	// The type itself, not a type parameter's core type.
	sl, ok := r.info.TypeOf(sid).Underlying().(*types.Slice)
	if !ok {
		return nil
	}
	if _, _, ok := r.sizeOfText(sid.Name+"[0]", sl.Elem()); !ok {
		return nil // zero-sized elements: nothing to check
	}
	body := rs.Body
	first, last := r.fset.PositionFor(body.Lbrace, false).Line, r.fset.PositionFor(body.Rbrace, false).Line
	for l := first; l <= last; l++ {
		if r.ignoreLines[l] {
			return nil
		}
	}

	isVar := func(e ast.Expr, v *types.Var) bool {
		id, ok := unparen(e).(*ast.Ident)
		return ok && r.info.Uses[id] == v
	}
	isElem := func(n ast.Node) bool {
		ix, ok := n.(*ast.IndexExpr)
		return ok && isVar(ix.X, sv) && isVar(ix.Index, iv)
	}

	// The body: nothing that could synchronize, leave the loop, change
	// s or i, or take an element's address. Whole-element accesses s[i]
	// are collected with whether they write.
	whole := map[*ast.IndexExpr]bool{} // -> writes
	bad := false
	var stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if bad {
			return false
		}
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt, *ast.SelectStmt, *ast.SendStmt,
			*ast.LabeledStmt, *ast.ReturnStmt:
			bad = true
		case *ast.BranchStmt:
			if n.Tok != token.CONTINUE || n.Label != nil {
				bad = true // break, goto, labeled continue (fallthrough too: keep it simple)
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				bad = true
			}
		case *ast.CallExpr:
			if !r.pureCall(n) {
				bad = true
			}
		case *ast.AssignStmt:
			for _, e := range n.Lhs {
				if isVar(e, sv) || isVar(e, iv) {
					bad = true
				}
			}
		case *ast.IncDecStmt:
			if isVar(n.X, sv) || isVar(n.X, iv) {
				bad = true
			}
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN && (isVar(n.Key, sv) || isVar(n.Key, iv) || isVar(n.Value, sv) || isVar(n.Value, iv)) {
				bad = true
			}
		case *ast.IndexExpr:
			if isElem(n) {
				w, ok, addr := r.elemUse(n, stack)
				if addr {
					bad = true
				} else if ok {
					whole[n] = w
				}
			}
		}
		if bad {
			return false
		}
		stack = append(stack, n)
		return true
	})
	if bad || len(whole) == 0 {
		return nil
	}

	// The accesses evaluated on every iteration.
	h := &hoist{s: sid, slice: sl}
	var every func(n ast.Node)
	every = func(n ast.Node) {
		if n == nil {
			return
		}
		ast.Inspect(n, func(m ast.Node) bool {
			if b, ok := m.(*ast.BinaryExpr); ok && (b.Op == token.LAND || b.Op == token.LOR) {
				// The right operand is evaluated only sometimes.
				every(b.X)
				return false
			}
			r.hoistOne(m, whole, h)
			return true
		})
	}
	var prefix func(list []ast.Stmt) bool
	prefix = func(list []ast.Stmt) bool {
		for _, st := range list {
			cont := hasContinue(st)
			switch st := st.(type) {
			case *ast.AssignStmt, *ast.IncDecStmt, *ast.DeclStmt, *ast.ExprStmt:
				every(st)
			case *ast.BlockStmt:
				if !prefix(st.List) {
					return false
				}
				continue
			case *ast.IfStmt:
				if st.Init != nil {
					every(st.Init)
				}
				every(st.Cond)
			case *ast.SwitchStmt:
				if !cont {
					if st.Init != nil {
						every(st.Init)
					}
					every(st.Tag)
				}
			}
			if cont {
				return false
			}
		}
		return true
	}
	prefix(body.List)
	if h.n == 0 {
		return nil
	}
	return h
}

// hoistOne hoists n if it is one of the whole-element accesses.
func (r *fileRewriter) hoistOne(n ast.Node, whole map[*ast.IndexExpr]bool, h *hoist) {
	ix, ok := n.(*ast.IndexExpr)
	if !ok {
		return
	}
	w, ok := whole[ix]
	if !ok || r.hoisted[ix] {
		return
	}
	if r.hoisted == nil {
		r.hoisted = map[*ast.IndexExpr]bool{}
	}
	r.hoisted[ix] = true
	h.n++
	h.write = h.write || w
	if !h.first.IsValid() || ix.Pos() < h.first {
		h.first = ix.Pos()
	}
}

// hasContinue reports whether s is or holds a continue statement.
func hasContinue(s ast.Stmt) bool {
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		if b, ok := n.(*ast.BranchStmt); ok && b.Tok == token.CONTINUE {
			found = true
		}
		return !found
	})
	return found
}

// pureCall reports whether the call e is a conversion or len, cap, min or
// max: no synchronization, no effect on memory.
func (r *fileRewriter) pureCall(e *ast.CallExpr) bool {
	if tv, ok := r.info.Types[e.Fun]; ok && tv.IsType() {
		return true
	}
	switch (&collector{r: r}).builtin(e.Fun) {
	case "len", "cap", "min", "max":
		return true
	}
	return false
}

// elemUse classifies the use of the element access ix (s[i]) whose
// enclosing nodes are stack (innermost last): whether the collector checks
// it as a whole element (ok), whether that access writes, and whether
// (part of) the element has its address taken.
func (r *fileRewriter) elemUse(ix *ast.IndexExpr, stack []ast.Node) (write, ok, addr bool) {
	// Address taking: &s[i], &s[i].f, &s[i].a[2], s[i].a[:], s[i][:]
	// on an array element, a method value or call on s[i] (a pointer
	// method takes its address implicitly; calls are excluded anyway).
	var child ast.Node = ix
	k := len(stack) - 1
	for ; k >= 0; k-- {
		switch p := stack[k].(type) {
		case *ast.ParenExpr:
			child = p
			continue
		case *ast.SelectorExpr:
			if p.X == child {
				sel := r.info.Selections[p]
				if sel == nil || sel.Kind() != types.FieldVal {
					return false, false, true
				}
				if !sel.Indirect() {
					// A field of the element itself, not
					// of what it points to.
					child = p
					continue
				}
			}
		case *ast.IndexExpr:
			if p.X == child {
				if _, isArr := coreType(r.info.TypeOf(p.X)).(*types.Array); isArr {
					child = p
					continue
				}
			}
		case *ast.UnaryExpr:
			if p.Op == token.AND && p.X == child {
				return false, false, true
			}
		case *ast.SliceExpr:
			if p.X == child {
				if _, isArr := coreType(r.info.TypeOf(p.X)).(*types.Array); isArr {
					return false, false, true
				}
			}
		}
		break
	}

	// The immediate parent, parentheses skipped.
	var e ast.Node = ix
	k = len(stack) - 1
	for k >= 0 {
		if p, isParen := stack[k].(*ast.ParenExpr); isParen {
			e = p
			k--
			continue
		}
		break
	}
	if k < 0 {
		return false, false, false
	}
	switch p := stack[k].(type) {
	case *ast.AssignStmt:
		for _, l := range p.Lhs {
			if l == e {
				return p.Tok != token.DEFINE, true, false
			}
		}
		return false, true, false // a right-hand side
	case *ast.IncDecStmt:
		return true, true, false
	case *ast.BinaryExpr:
		return false, true, false
	case *ast.UnaryExpr:
		return false, p.Op != token.AND && p.Op != token.ARROW, false
	case *ast.StarExpr, *ast.TypeAssertExpr, *ast.KeyValueExpr, *ast.CompositeLit, *ast.ValueSpec:
		if kv, isKV := p.(*ast.KeyValueExpr); isKV && kv.Key == e {
			// A map literal's key is read; a struct or array
			// literal's key is a name or constant.
			return false, false, false
		}
		return false, true, false
	case *ast.IndexExpr:
		return false, p.Index == e, false // m[s[i]], not s[i][j]
	case *ast.SliceExpr:
		return false, p.X != e, false // a[s[i]:], not s[i][a:b]
	case *ast.CallExpr:
		// Arguments of conversions, min and max are read whole;
		// len(s[i]) reads one word of it.
		if tv, isT := r.info.Types[p.Fun]; isT && tv.IsType() {
			return false, true, false
		}
		switch (&collector{r: r}).builtin(p.Fun) {
		case "min", "max":
			return false, true, false
		}
	case *ast.IfStmt, *ast.SwitchStmt:
		return false, true, false // a condition or tag
	}
	return false, false, false
}

// emitHoist inserts the ranged check of a hoisted range loop at p, the
// loop's position (before its label), unless check c (the range
// statement's own) already covers it: that of for i, v := range s reads
// every element, and when the hoisted accesses only read it suffices.
func (r *fileRewriter) emitHoist(p token.Pos, rs *ast.RangeStmt, h *hoist) {
	if r.rangeValueUsed(rs) && !h.write {
		return
	}
	kind := kRead
	if h.write {
		kind = kWrite
	}
	hc := r.collector()
	hc.sliceRange(h.s, h.slice, kind, "")
	if len(hc.checks) == 0 {
		return // cannot happen: hoistRange checked what sliceRange needs
	}
	// Reports point at the access, not at the for statement: the check
	// carries the position of the first hoisted access.
	hc.checks[0].pos = h.first
	r.buf.openSeq(hc.seq, r.off(p), r.lineDir(h.first)+r.stmtText(hc.checks)+"; "+r.lineDir(p))
	r.record(hc.checks)
}

func (r *fileRewriter) rangeValueUsed(s *ast.RangeStmt) bool {
	if s.Value == nil {
		return false
	}
	id, ok := s.Value.(*ast.Ident)
	return !ok || id.Name != "_"
}
