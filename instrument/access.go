package instrument

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// sitePlaceholder marks where hookCall puts the site in arguments that
// pass it through a helper.
const sitePlaceholder = "\x00site"

// This file finds the memory accesses an expression performs, in
// evaluation order, and turns each into a check: a call into the runtime
// with the accessed address and size.

type accessKind int

const (
	kRead accessKind = iota
	kWrite
	kReadWrite
	kAtomicRead
	kAtomicWrite
	kAtomicReadWrite
)

// A check is one inserted runtime call, in the two forms the rewriter
// can place: as a statement before the statement holding the access, or
// as a boolean (always true) operand of && inside an expression.
type check struct {
	key string // the call without its site, to find duplicates
	// stmt is the statement form, which counts down the enclosing
	// function invocation's budget variable (see hookCall); plain is the
	// statement form that does not, for places inside an inserted
	// function literal, which must not capture that variable.
	stmt    string
	plain   string
	boolean string
	pos     token.Pos // the access, for tests and warnings
	desc    string    // "Kind expr size", for tests
	release bool      // a Release barrier (release.go)
	// ctx is the innermost event (order.go) whose operands hold the
	// access, nil for the evaluation context itself; access is the
	// expression whose address the check computes, when there is one.
	ctx    ast.Expr
	access ast.Expr
	// inline, when set, is a check made by a helper wrapped around an
	// operand of the access (inline.go) instead of one of the forms above.
	inline *inlineCheck
}

// A collector gathers the checks for the accesses of one evaluation
// context (a statement, a condition, the right operand of && or ||).
type collector struct {
	r      *fileRewriter
	seq    int // reserved edit order: the checks enclose what they visit
	checks []check
	// deferred is set for the call of a go or defer statement: its
	// operands are evaluated now, but the call's own effects (builtins,
	// atomics) happen later, so they are not checked here.
	deferred bool
	isDefer  bool // deferred by a defer (not go) statement
	// guard, when set, is the condition under which the next check's
	// address can be computed without panicking (pointers non-nil,
	// indexes in range); addRaw consumes it.
	guard string
	// akey, when set, identifies the address of the next check for
	// redundancy elimination (see avail.go); addRaw consumes it.
	akey *availKey
	// avail, when set, holds the checks already made in the straight-line
	// code before the accesses collected here; a check it covers is
	// dropped. record adds this collector's checks to it.
	avail  *avail
	record bool
	// topSeen is set once the call of a go or defer statement (the first
	// call visited when deferred) has been seen (release.go).
	topSeen bool
	// cur is the innermost event being visited; events are the events
	// visited (order.go), each with an edit order reserved on entry, so
	// that an enclosing event's wrapper encloses its operands'.
	cur      ast.Expr
	events   []ast.Expr
	eventSeq map[ast.Expr]int
	// acc, when set, is the access expression of the next check;
	// addRaw consumes it.
	acc ast.Expr
	// inlineSeq is the edit order loc reserved for an inline check.
	inlineSeq int
}

func (r *fileRewriter) collector() *collector {
	c := &collector{r: r, seq: r.buf.reserve()}
	if r.availOK {
		c.avail = r.avail
	}
	return c
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// read collects the accesses of evaluating e as a value.
func (c *collector) read(e ast.Expr) {
	if e == nil {
		return
	}
	info := c.r.info
	if tv, ok := info.Types[e]; ok && (tv.IsType() || tv.Value != nil) {
		return // types and constants are not memory
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		c.read(e.X)
	case *ast.Ident:
		c.r.maybeExit(e, e)
		if _, ok := info.Uses[e].(*types.Var); ok {
			c.loc(e, kRead)
		}
	case *ast.BasicLit:
	case *ast.FuncLit:
		c.r.funcLit(e)
	case *ast.CompositeLit:
		_, isMap := coreType(info.TypeOf(e)).(*types.Map)
		for _, el := range e.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if isMap {
					c.read(kv.Key)
				}
				c.read(kv.Value)
				continue
			}
			c.read(el)
		}
	case *ast.SelectorExpr:
		sel := info.Selections[e]
		if sel == nil { // qualified identifier
			c.r.maybeExit(e, e.Sel)
			if _, ok := info.Uses[e.Sel].(*types.Var); ok {
				c.loc(e, kRead)
			}
			return
		}
		switch sel.Kind() {
		case types.FieldVal:
			c.loc(e, kRead)
		case types.MethodVal:
			c.receiver(e, sel)
		}
	case *ast.IndexExpr:
		if c.isInstantiation(e.X) {
			return
		}
		if _, ok := coreType(info.TypeOf(e.X)).(*types.Map); ok {
			c.mapAccess(e.X, kRead, e.Pos())
			c.read(e.Index)
			return
		}
		c.loc(e, kRead)
	case *ast.IndexListExpr:
	case *ast.SliceExpr:
		switch coreType(info.TypeOf(e.X)).(type) {
		case *types.Array:
			c.addrOf(e.X)
		default:
			c.read(e.X)
		}
		c.read(e.Low)
		c.read(e.High)
		c.read(e.Max)
	case *ast.TypeAssertExpr:
		c.read(e.X)
	case *ast.StarExpr:
		c.loc(e, kRead)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			c.addrOf(e.X)
			return
		}
		if e.Op == token.ARROW {
			defer c.event(e)()
			// A receive releases: it happens before the send it
			// completes (an unbuffered channel's) or before the
			// send that refills its buffer slot. It also acquires
			// the channel's close clock (runtime/hb_chan.go): the
			// operand becomes recv(X), which calls ChanRecv right
			// before the receive.
			if c.r.lang < 18 {
				c.read(e.X)
				c.release(e.Pos())
				c.r.unexactChans = true
				return
			}
			seq := c.r.buf.reserve()
			c.read(e.X)
			r := c.r
			r.usedRT, r.needRecv = true, true
			r.buf.openSeq(seq, r.off(e.X.Pos()), r.recvName()+"("+r.lineDir(e.X.Pos()))
			r.buf.closeSeq(seq, r.off(e.X.End()), ")"+r.lineDir(e.X.End()))
			r.recordOne(e.Pos(), "ChanRecv")
			return
		}
		c.read(e.X)
	case *ast.BinaryExpr:
		if e.Op == token.LAND || e.Op == token.LOR {
			defer c.event(e)()
			c.read(e.X)
			c.r.shortCircuit(e.Y)
			return
		}
		c.read(e.X)
		c.read(e.Y)
	case *ast.CallExpr:
		c.call(e)
	case *ast.KeyValueExpr:
		c.read(e.Value)
	default:
		// Type expressions and anything else: no accesses.
	}
}

func (c *collector) isInstantiation(x ast.Expr) bool {
	tv, ok := c.r.info.Types[x]
	if !ok {
		return false
	}
	if tv.IsType() {
		return true
	}
	_, isSig := tv.Type.(*types.Signature)
	if !isSig {
		return false
	}
	// A generic function being instantiated (f[int]) is not a
	// slice of funcs being indexed: it names a function object.
	switch x := unparen(x).(type) {
	case *ast.Ident:
		_, ok := c.r.info.Uses[x].(*types.Func)
		return ok
	case *ast.SelectorExpr:
		_, ok := c.r.info.Uses[x.Sel].(*types.Func)
		return ok
	}
	return false
}

// write collects the accesses of assigning to e (kind kWrite or
// kReadWrite).
func (c *collector) write(e ast.Expr, kind accessKind) {
	e = unparen(e)
	if id, ok := e.(*ast.Ident); ok && id.Name == "_" {
		return
	}
	if ix, ok := e.(*ast.IndexExpr); ok {
		if _, isMap := coreType(c.r.info.TypeOf(ix.X)).(*types.Map); isMap {
			c.mapAccess(ix.X, kind, ix.Pos())
			c.read(ix.Index)
			return
		}
	}
	c.loc(e, kind)
}

// addrOf collects the accesses of computing the address of e (operand of
// &, pointer-receiver method calls): the operands that locate e are read,
// e itself is not accessed.
func (c *collector) addrOf(e ast.Expr) {
	switch e := unparen(e).(type) {
	case *ast.Ident:
	case *ast.SelectorExpr:
		sel := c.r.info.Selections[e]
		if sel == nil {
			return
		}
		c.locate(e)
	case *ast.IndexExpr, *ast.StarExpr:
		c.locate(e)
	case *ast.CompositeLit:
		c.read(e)
	default:
		c.read(e)
	}
}

// locate collects the reads needed to find the storage of the
// addressable expression e: the pointers followed, slice headers and
// indexes, but not e itself.
func (c *collector) locate(e ast.Expr) {
	info := c.r.info
	switch e := unparen(e).(type) {
	case *ast.SelectorExpr:
		if isPointer(info.TypeOf(e.X)) {
			c.read(e.X)
		} else {
			c.addrOf(e.X)
		}
	case *ast.IndexExpr:
		switch coreType(info.TypeOf(e.X)).(type) {
		case *types.Slice, *types.Basic:
			c.header(e.X)
		case *types.Pointer:
			c.read(e.X)
		case *types.Array:
			c.addrOf(e.X)
		case *types.Map:
			// m[k].f reads the map: the element is a copy.
			c.mapAccess(e.X, kRead, e.Pos())
		default:
			c.read(e.X)
		}
		c.read(e.Index)
	case *ast.StarExpr:
		c.read(e.X)
	}
}

// header collects the read of a slice or string header for indexing: the
// data pointer word when the header itself is shared storage.
func (c *collector) header(x ast.Expr) {
	shared, addressable := c.r.storage(x)
	if !addressable {
		// A call result, a slice expression, a map element: its
		// evaluation is all there is to check.
		c.read(x)
		return
	}
	c.locate(x)
	if !shared {
		return
	}
	ptr := c.r.sizes.Sizeof(types.Typ[types.Uintptr])
	c.emitLoc(x, kRead, fmt.Sprint(ptr), false, x.Pos())
}

// loc collects the accesses of reading or writing the storage denoted by
// the addressable expression e: locating it, then e itself if it may be
// shared.
func (c *collector) loc(e ast.Expr, kind accessKind) {
	// The edit order of an inline check (inline.go), which encloses the
	// edits of the events in e's operands.
	seq := c.r.buf.reserve()
	c.locate(e)
	if ix, ok := e.(*ast.IndexExpr); ok && c.r.hoisted[ix] {
		// Checked once before its range loop (hoist.go).
		return
	}
	shared, addressable := c.r.storage(e)
	if !shared || !addressable {
		return
	}
	size, isRange, ok := c.r.sizeOf(e, c.r.info.TypeOf(e))
	if !ok {
		return
	}
	c.inlineSeq = seq
	c.emitLoc(e, kind, size, isRange, e.Pos())
	c.inlineSeq = 0
}

// emitLoc adds a check of kind on the storage of e.
func (c *collector) emitLoc(e ast.Expr, kind accessKind, size string, isRange bool, pos token.Pos) {
	addr, ok := c.r.addrText(e)
	if !ok {
		if !c.inline(e, kind, size, isRange, pos) {
			c.r.warn(pos, "access through an operand with side effects, spanning lines or too long is not instrumented")
		}
		return
	}
	c.guard = c.r.guardOf(e)
	c.akey = c.r.addrKey(e)
	c.acc = e
	c.add(kind, isRange, addr+", "+size, c.r.text(e)+" "+size, pos)
}

// add records one runtime call.
func (c *collector) add(kind accessKind, isRange bool, args, what string, pos token.Pos) {
	name := kindName(kind, isRange)
	c.addRaw(name, args, name+" "+what, pos)
}

func (c *collector) addRaw(name, args, desc string, pos token.Pos) {
	guard, akey, acc := c.guard, c.akey, c.acc
	c.guard, c.akey, c.acc = "", nil, nil
	if tooGuarded(guard) {
		c.r.warn(pos, "access through a chain of pointers and indexes too long to instrument")
		return
	}
	key := name + "(" + args + ")"
	for _, k := range c.checks {
		if k.key == key {
			// The same access twice in one evaluation (the slice
			// header in copy(s, s[1:])): one check suffices.
			return
		}
	}
	strength := strengthOf(name)
	if akey != nil && strength > 0 && c.avail != nil {
		k := args + "|" + akey.objs
		if c.avail.covered(k, strength) {
			// An earlier statement of the same straight-line code
			// checked this address (see avail.go).
			return
		}
		if c.record {
			c.avail.add(k, strength, akey.deps)
		}
	}
	h := c.r.hookCall(name, args)
	plain, boolean, slow := h.plain, h.boolean, h.slow
	if guard != "" {
		// The check never panics where the access itself would:
		// the access panics at its own place in the statement,
		// after what the language says comes before it.
		plain = "if " + guard + " { " + plain + " }"
		slow = "if " + guard + " { " + slow + " }"
		if strings.HasPrefix(boolean, "func() bool {") {
			boolean = "func() bool { " + plain + "; return true }()"
		} else {
			boolean = "(!(" + guard + ") || " + boolean + ")"
		}
	}
	stmt := plain
	if h.due != "" {
		// The guard is only needed where the address is computed,
		// on the slow path: the fast path names no operand.
		stmt = "if " + budgetName + "--; " + h.due + " { " + slow + " }"
	}
	c.checks = append(c.checks, check{key: key, stmt: stmt, plain: plain, boolean: boolean, pos: pos, desc: desc, ctx: c.cur, access: acc})
}

// budgetName is the local variable holding a function invocation's
// sampling budget (runtime.Budget): declared as the first statement of
// every function body with statement-level site checks, counted down by
// each of them. Being local, it lives in a register or the goroutine's
// own stack frame: no store-to-load chain through shared memory in tight
// loops, and no cache line that every core running the code writes.
const budgetName = "__gocsan_b"

// A hook is the inserted code of one runtime call.
type hook struct {
	// plain is the call as a statement; boolean is an always-true
	// expression making it.
	plain, boolean string
	// For site checks: due is the fast-path condition on the budget
	// (after its decrement), slow the statement taking the slow path
	// and assigning the budget it returns.
	due, slow string
}

// hookCall returns the forms of a call of the runtime entry point name.
// Plain and ranged accesses have a Site of their own (one element of a
// package array), which the runtime's per-site adaptive sampling needs.
// As statements they count down the invocation's budget and call the
// *Slow entry points only when the site is due:
//
//	if __gocsan_b--; __gocsan_sites[4].Due(__gocsan_b) { __gocsan_b = __gocsan.ReadSlow(&__gocsan_sites[4], addr, size, __gocsan_b) }
//
// Inside expressions, and in inserted function literals, they call the
// *At entry points (ReadAtB, ...), which count down the site itself. The
// other entry points take no site.
func (r *fileRewriter) hookCall(name, args string) hook {
	r.usedRT = true
	switch name {
	case "Read", "Write", "ReadWrite", "ReadRange", "WriteRange":
		n := strconv.Itoa(r.numSites)
		r.numSites++
		site := "&" + r.sitesName() + "[" + n + "]"
		var h hook
		h.due = r.sitesName() + "[" + n + "].Due(" + budgetName + ")"
		slowArgs := site + ", " + args + ", " + budgetName
		if strings.Contains(args, sitePlaceholder) {
			// The map helper returns the site with the address
			// (and, for the slow path, the budget).
			slowArgs = strings.Replace(args, r.mhName()+"("+sitePlaceholder, r.mhbName()+"("+site, 1)
			slowArgs = strings.TrimSuffix(slowArgs, ")") + ", " + budgetName + ")"
			r.needMHB = true
			args = strings.Replace(args, sitePlaceholder, site, 1)
		} else {
			args = site + ", " + args
		}
		h.slow = budgetName + " = " + rtName + "." + name + "Slow(" + slowArgs + ")"
		h.plain = rtName + "." + name + "At(" + args + ")"
		if name == "Read" || name == "Write" {
			h.boolean = rtName + "." + name + "AtB(" + args + ")"
		} else {
			h.boolean = "func() bool { " + h.plain + "; return true }()"
		}
		return h
	}
	plain := rtName + "." + name + "(" + args + ")"
	return hook{plain: plain, boolean: "func() bool { " + plain + "; return true }()"}
}

// addStmt records a check that only has a statement form (a conditional),
// stmt, with plain its form that does not use the budget.
func (c *collector) addStmt(stmt, plain, desc string, pos token.Pos) {
	c.r.usedRT = true
	c.checks = append(c.checks, check{
		stmt:    stmt,
		plain:   plain,
		boolean: "func() bool { " + plain + "; return true }()",
		pos:     pos,
		desc:    desc,
		ctx:     c.cur,
	})
}

func kindName(k accessKind, isRange bool) string {
	switch k {
	case kAtomicRead:
		return "AtomicRead"
	case kAtomicWrite:
		return "AtomicWrite"
	case kAtomicReadWrite:
		return "AtomicReadWrite"
	}
	if isRange {
		if k == kRead {
			return "ReadRange"
		}
		// A read-modify-write of a multi-word value is checked
		// as a write, which conflicts with everything a read does.
		return "WriteRange"
	}
	switch k {
	case kWrite:
		return "Write"
	case kReadWrite:
		return "ReadWrite"
	}
	return "Read"
}

// mapAccess models an access to a map's contents as an 8-byte access to
// the map object (the runtime's map header), found through the map
// variable m. A nil map has no object; the per-file helper turns its
// address into a zero-sized access, which the runtime ignores.
func (c *collector) mapAccess(m ast.Expr, kind accessKind, pos token.Pos) {
	if c.deferred {
		c.read(m)
		return
	}
	c.read(m)
	if kind == kWrite || kind == kReadWrite {
		kind = kWrite
	}
	_, addressable := c.r.storage(m)
	if !addressable || !c.r.pure(m) {
		// A map returned by a call cannot be named twice;
		// documented as not instrumented.
		return
	}
	ptr, ok := c.r.ptrText(m)
	if !ok {
		c.r.warn(pos, "map access through an operand with side effects or spanning lines is not instrumented")
		return
	}
	c.r.needMH = true
	c.r.usedUnsafe = true
	c.guard = c.r.guardOf(m)
	c.acc = m
	c.add(kind, false, c.r.mhName()+"("+sitePlaceholder+", *(*uintptr)("+unsafeName+".Pointer("+ptr+")))", "map "+c.r.text(m)+" 8", pos)
}

// receiver collects the accesses of evaluating the receiver of a method
// value or call x.M.
func (c *collector) receiver(e *ast.SelectorExpr, sel *types.Selection) {
	info := c.r.info
	xt := info.TypeOf(e.X)
	if _, isIface := xt.Underlying().(*types.Interface); isIface {
		c.read(e.X)
		return
	}
	direct := len(sel.Index()) == 1
	switch {
	case ptrRecv(sel):
		if isPointer(xt) {
			c.read(e.X)
		} else {
			c.addrOf(e.X)
		}
	case isPointer(xt):
		c.read(e.X)
		if direct {
			// A value method through a pointer copies *x.
			c.deref(e.X, kRead, e.Pos())
		}
	case direct:
		c.read(e.X)
	default:
		// A promoted value method: the copy is of an embedded
		// field the source does not name; only locate it.
		c.addrOf(e.X)
	}
}

// deref adds a check of kind on *p, for the pointer-valued expression p.
func (c *collector) deref(p ast.Expr, kind accessKind, pos token.Pos) {
	pt, ok := coreType(c.r.info.TypeOf(p)).(*types.Pointer)
	if !ok {
		return
	}
	if !c.r.pure(p) {
		c.r.warn(pos, "access through an operand with side effects is not instrumented")
		return
	}
	ptext, ok := c.r.exprText(p)
	if !ok {
		c.r.warn(pos, "access through an operand spanning lines is not instrumented")
		return
	}
	size, isRange, ok := c.r.sizeOfText("*"+ptext, pt.Elem())
	if !ok {
		return
	}
	c.guard = c.r.guardPtr(p)
	c.akey = c.r.valueKey(p)
	c.acc = p
	c.add(kind, isRange, "uintptr("+unsafeName+".Pointer("+ptext+")), "+size, "*"+ptext+" "+size, pos)
}
