package instrument

import (
	"go/ast"
	"go/types"
	"sort"
)

// Placing checks in the order of evaluation.
//
// A check must run next to its access, with nothing that could
// synchronize in between: a check made before a channel receive, a call
// (a lock, a WaitGroup, anything through an interface) or the
// short-circuit operators that the language evaluates before the access
// watches the access's address while another goroutine may still write it
// legitimately (prometheus/client_golang's
//
//	if expected, got := <-result, math.Float64frombits(gge.(*gauge).valBits); ...
//
// reads valBits after the receive that orders it). These operations are
// the events of an evaluation context: the spec orders calls, method
// calls, receives and && and || left to right; the compiler (cmd/compile's
// order pass) evaluates each event's operands other than events when the
// event happens, after the events nested in them, and the operands of the
// statement itself (the right-hand sides' plain reads, the assignments)
// after all its events. So the events complete in the order of their end
// positions (inner before outer when they end together), and an access
// happens right before its innermost enclosing event (its context), after
// the event completing just before that one; an access outside every event
// happens after the last event. Checks with no event before their access
// stay before the statement (or the expression); the others run right
// after the event before their access: the event e becomes id(e, checks),
// or, for an untyped && or || (its context gives it a type, a generic
// helper would not), ((e) == (checks)). A multi-value call or receive
// cannot be wrapped: when it is the whole right-hand side of an assignment
// whose targets' addresses the assignment cannot change, its checks follow
// the statement (placeAfterStmt); otherwise they are dropped with a
// warning.
//
// Before go1.18 (no generic helper) the checks stay before the statement,
// where the rewriter put them before it knew the order.

// event marks e, an event of c's evaluation context, as the innermost one
// being visited, reserving the edit order of its wrapper: enclosing events
// are entered first, so their wrappers enclose those of their operands. The
// function returned ends the visit.
func (c *collector) event(e ast.Expr) func() {
	if c.eventSeq == nil {
		c.eventSeq = map[ast.Expr]int{}
	}
	c.eventSeq[e] = c.r.buf.reserve()
	saved := c.cur
	c.cur = e
	return func() {
		c.cur = saved
		c.events = append(c.events, e)
	}
}

// lateChecks are checks due after an event that could not be wrapped.
type lateChecks struct {
	event  ast.Expr
	checks []check
}

// placeAfterEvents wraps the events of c's evaluation context with the
// checks due after them, leaving in c.checks those due before every event
// (with at most one Release, last). It returns the checks due after events
// it could not wrap.
func (r *fileRewriter) placeAfterEvents(c *collector) []lateChecks {
	if len(c.events) == 0 || r.lang < 18 {
		c.checks = oneRelease(c.checks)
		for _, k := range c.checks {
			if k.inline != nil {
				r.warn(k.pos, "access through an operand with side effects, spanning lines or too long is not instrumented")
			}
		}
		c.checks = withoutInline(c.checks)
		return nil
	}
	events := append([]ast.Expr(nil), c.events...)
	sort.SliceStable(events, func(i, j int) bool {
		a, b := events[i], events[j]
		if a.End() != b.End() {
			return a.End() < b.End()
		}
		return a.Pos() > b.Pos() // the inner one completes first
	})
	index := map[ast.Expr]int{}
	for i, e := range events {
		index[e] = i
	}
	var before, inl []check
	after := make([][]check, len(events))
	for _, k := range c.checks {
		if k.inline != nil {
			inl = append(inl, k) // placed below
			continue
		}
		slot := len(events) - 1 // after the last event
		if k.ctx != nil {
			if i, ok := index[k.ctx]; ok {
				slot = i - 1
			}
		}
		if slot < 0 {
			before = append(before, k)
		} else {
			after[slot] = append(after[slot], k)
		}
	}
	var late []lateChecks
	checked := false // some check was placed after an event
	for i, ks := range after {
		if len(ks) == 0 {
			continue
		}
		ks = oneRelease(ks)
		if !checked && len(ks) == 1 && ks[0].release {
			// Nothing checked after an event before it: the
			// statement's own Release, before it, comes early
			// enough.
			before = append(before, ks[0])
			continue
		}
		checked = true
		if r.invalidType(events[i]) {
			// A C function type-checked without cgo (FakeImportC,
			// gocsan instrument on a cgo file): its type is unknown
			// and nothing holding it can be wrapped. The build
			// rewrites cgo's output instead, where it is typed.
			before = append(before, ks...)
			continue
		}
		if !r.wrapAfter(c, events[i], events[:i+1], ks) {
			// A Release cannot be dropped (the reordering model
			// would keep earlier accesses in flight across the
			// call): it goes before the statement.
			if k := ks[len(ks)-1]; k.release {
				before = append(before, k)
				ks = ks[:len(ks)-1]
			}
			late = append(late, lateChecks{events[i], ks})
		}
	}
	c.checks = oneRelease(before)
	for _, k := range inl {
		r.placeInline(k, events, index)
	}
	return late
}

// oneRelease moves the first Release among ks to the end and drops the
// others: all of ks run before the calls that needed them.
func oneRelease(ks []check) []check {
	var rel *check
	out := ks[:0:0]
	for i := range ks {
		switch {
		case !ks[i].release:
			out = append(out, ks[i])
		case rel == nil:
			rel = &ks[i]
		case rel.key != ks[i].key && rel.key != "Release()":
			// Releases for different packages, or one for a
			// package and an unconditional one: the
			// unconditional Release does for all.
			k := ks[i]
			if k.key != "Release()" {
				plain := rtName + ".Release()"
				k.key, k.stmt, k.plain, k.boolean = "Release()", plain, plain, "func() bool { "+plain+"; return true }()"
			}
			rel = &k
		}
	}
	if rel != nil {
		out = append(out, *rel)
	}
	return out
}

// wrapAfter makes the event e run checks right after it, reporting
// whether it could: e itself is wrapped, or, when it has no value (a
// multi-value call, a cgo call type-checked without cgo), the innermost
// expression holding it that has one and holds no event completing after
// it (done holds the events completing up to e).
func (r *fileRewriter) wrapAfter(c *collector, e ast.Expr, done []ast.Expr, checks []check) bool {
	seq := c.eventSeq[e]
	if !r.hasValue(e) {
		e = r.valuedAncestor(e, c.events, done)
		if e == nil {
			return false
		}
	}
	form := boolForm(checks)
	if r.untyped(e) {
		r.buf.openSeq(seq, r.off(e.Pos()), "(("+r.lineDir(e.Pos()))
		r.buf.closeSeq(seq, r.off(e.End()), ") == ("+form+"))"+r.lineDir(e.End()))
	} else {
		r.needID = true
		r.buf.openSeq(seq, r.off(e.Pos()), r.idName()+"("+r.lineDir(e.Pos()))
		r.buf.closeSeq(seq, r.off(e.End()), ", "+form+")"+r.lineDir(e.End()))
	}
	r.record(checks)
	return true
}

// dropLate warns about checks that could not be placed.
func (r *fileRewriter) dropLate(late []lateChecks) {
	for _, l := range late {
		for _, k := range l.checks {
			if !k.release {
				r.warn(k.pos, "access after a multi-value call or receive in the same expression is not instrumented")
			}
		}
	}
}

// placeAfterStmt places the checks due after the multi-value right-hand
// side of the assignment s (s.v, ok = <-ch; x, err = f()) after the
// statement, where they compute the same addresses as the assignment did:
// every target is blank or a variable, except at most one, which the
// assignment cannot move (no operand locating it has its type, and it is
// not a struct or array, which could hold one), and no check names a
// variable the statement assigns other than as the whole access. The
// others are dropped with a warning.
func (r *fileRewriter) placeAfterStmt(s *ast.AssignStmt, late []lateChecks) {
	var rest []lateChecks
	var checks []check
	for _, l := range late {
		if len(s.Rhs) == 1 && unparen(s.Rhs[0]) == l.event && r.stableTargets(s, l.checks) {
			checks = append(checks, l.checks...)
		} else {
			rest = append(rest, l)
		}
	}
	r.dropLate(rest)
	if len(checks) == 0 {
		return
	}
	end := s.End()
	r.buf.open(r.off(end), "; "+r.stmtText(checks)+r.lineDir(end))
	r.record(checks)
}

func (r *fileRewriter) stableTargets(s *ast.AssignStmt, checks []check) bool {
	assigned := map[types.Object]bool{}
	var complexTarget ast.Expr
	for _, e := range s.Lhs {
		e = unparen(e)
		if id, ok := e.(*ast.Ident); ok {
			if id.Name == "_" {
				continue
			}
			if obj := r.info.ObjectOf(id); obj != nil {
				assigned[obj] = true
			}
			continue
		}
		if complexTarget != nil {
			return false
		}
		complexTarget = e
	}
	if complexTarget != nil {
		t := r.info.TypeOf(complexTarget)
		switch t.Underlying().(type) {
		case *types.Struct, *types.Array:
			return false
		}
		if r.locatedByType(complexTarget, t) {
			return false
		}
	}
	for _, k := range checks {
		if k.release {
			continue
		}
		if k.access == nil {
			return false
		}
		whole := unparen(k.access)
		named := false
		ast.Inspect(k.access, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id != whole && assigned[r.info.ObjectOf(id)] {
				named = true
			}
			return !named
		})
		if named {
			return false
		}
	}
	return true
}

// locatedByType reports whether an operand read to locate the target e
// (pointers followed, indexes, slices indexed) has type t.
func (r *fileRewriter) locatedByType(e ast.Expr, t types.Type) bool {
	var ops []ast.Expr
	switch x := unparen(e).(type) {
	case *ast.SelectorExpr:
		ops = []ast.Expr{x.X}
	case *ast.IndexExpr:
		ops = []ast.Expr{x.X, x.Index}
	case *ast.StarExpr:
		ops = []ast.Expr{x.X}
	}
	for _, op := range ops {
		if ot := r.info.TypeOf(op); ot != nil && types.Identical(ot, t) {
			return true
		}
		if r.locatedByType(op, t) {
			return true
		}
	}
	return false
}

// hasValue reports whether e has a single value of a valid type.
func (r *fileRewriter) hasValue(e ast.Expr) bool {
	tv, ok := r.info.Types[e]
	if !ok || tv.Type == nil {
		return false
	}
	if b, ok := tv.Type.(*types.Basic); ok && b.Kind() == types.Invalid {
		return false
	}
	_, tuple := tv.Type.(*types.Tuple)
	return !tuple
}

// valuedAncestor returns the innermost expression enclosing e, within its
// statement, that has a value, is typed, and holds no event of events
// other than those of done; nil if there is none.
func (r *fileRewriter) valuedAncestor(e ast.Expr, events, done []ast.Expr) ast.Expr {
	var path []ast.Node
	var stack []ast.Node
	ast.Inspect(r.file, func(n ast.Node) bool {
		if path != nil {
			return false
		}
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if n.End() <= e.Pos() || n.Pos() > e.Pos() {
			return false // cannot hold e
		}
		if n == e {
			path = append([]ast.Node(nil), stack...)
			return false
		}
		stack = append(stack, n)
		return true
	})
	isDone := map[ast.Expr]bool{}
	for _, d := range done {
		isDone[d] = true
	}
	for i := len(path) - 1; i >= 0; i-- {
		x, ok := path[i].(ast.Expr)
		if !ok {
			return nil // the statement: nothing holds e
		}
		for _, ev := range events {
			if !isDone[ev] && x.Pos() <= ev.Pos() && ev.End() <= x.End() {
				return nil // an event inside x completes after e
			}
		}
		if _, paren := x.(*ast.ParenExpr); !paren && r.hasValue(x) && !r.untyped(x) {
			return x
		}
	}
	return nil
}

// invalidType reports whether go/types gave e no valid type.
func (r *fileRewriter) invalidType(e ast.Expr) bool {
	tv, ok := r.info.Types[e]
	if !ok || tv.Type == nil {
		return true
	}
	b, ok := tv.Type.(*types.Basic)
	return ok && b.Kind() == types.Invalid
}
