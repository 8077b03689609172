package instrument

import (
	"go/ast"
	"go/types"
	"strconv"
	"strings"
)

// call collects the accesses of a call expression: conversions, builtins
// (including the bulk operations copy, append and clear), sync/atomic
// functions and typed atomics, method calls and plain calls.
func (c *collector) call(e *ast.CallExpr) {
	info := c.r.info
	// The call of a go or defer statement runs later (or elsewhere);
	// the calls in its operands run now.
	top := c.deferred && !c.topSeen
	c.topSeen = c.topSeen || c.deferred
	seq := 0
	if top && c.isDefer {
		seq = c.r.buf.reserve() // deferRelease encloses the operands' edits
	}
	if tv, ok := info.Types[e.Fun]; ok && tv.IsType() {
		c.conversion(e, tv.Type)
		return
	}
	b := c.builtin(e.Fun)
	if !top && (b == "" || b == "close") {
		defer c.event(e)()
	}
	if b != "" {
		c.builtinCall(b, e)
		return
	}
	if fn := calledFunc(info, e.Fun); fn != nil && fn.Pkg() != nil {
		switch fn.Pkg().Path() {
		case "sync/atomic":
			if c.atomicCall(e, fn) {
				return
			}
		case "sync":
			if sx, ok := unparen(e.Fun).(*ast.SelectorExpr); ok {
				if sel := info.Selections[sx]; sel != nil && sel.Kind() == types.MethodVal && c.syncCall(e, fn, sx, sel) {
					return
				}
			}
		}
	}
	c.read(e.Fun)
	escape := make([]int, len(e.Args)) // reserved edit orders of channel arguments
	for i, a := range e.Args {
		if c.r.isChan(a) {
			escape[i] = c.r.buf.reserve()
		}
		c.read(a)
	}
	if !c.r.mayRunUninstrumented(e) {
		return
	}
	for i, a := range e.Args {
		if escape[i] != 0 && !e.Ellipsis.IsValid() {
			// The channel reaches code that may be uninstrumented
			// (runtime/hb_chan.go).
			c.r.escapeChan(a, escape[i])
		}
	}
	switch {
	case !top:
		c.releaseCall(e)
	case c.isDefer:
		c.deferRelease(e, seq)
	default:
		// go f(x): the go statement releases; the new goroutine has
		// nothing in flight.
	}
}

// calledFunc returns the function or method a call expression's Fun
// names statically, or nil.
func calledFunc(info *types.Info, fun ast.Expr) *types.Func {
	switch f := unparen(fun).(type) {
	case *ast.Ident:
		fn, _ := info.Uses[f].(*types.Func)
		return fn
	case *ast.SelectorExpr:
		fn, _ := info.Uses[f.Sel].(*types.Func)
		return fn
	case *ast.IndexExpr: // explicit instantiation
		return calledFunc(info, f.X)
	case *ast.IndexListExpr:
		return calledFunc(info, f.X)
	}
	return nil
}

// builtin returns the name of the builtin (or unsafe function) fun names.
func (c *collector) builtin(fun ast.Expr) string {
	var id *ast.Ident
	switch f := unparen(fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return ""
	}
	b, ok := c.r.info.Uses[id].(*types.Builtin)
	if !ok {
		return ""
	}
	return b.Name()
}

func (c *collector) conversion(e *ast.CallExpr, to types.Type) {
	if len(e.Args) != 1 {
		return
	}
	x := e.Args[0]
	c.read(x)
	if c.deferred {
		return
	}
	from := coreType(c.r.info.TypeOf(x))
	sl, ok := from.(*types.Slice)
	if !ok {
		return
	}
	switch t := coreType(to).(type) {
	case *types.Basic:
		if t.Info()&types.IsString != 0 {
			// string([]byte) and string([]rune) read the whole
			// backing array.
			c.sliceRange(x, sl, kRead, "")
		}
	case *types.Array:
		// [N]T(s) reads the first N elements.
		if size, _, ok := c.r.sizeOfText(c.r.text(e), to); ok {
			c.sliceRange(x, sl, kRead, size)
		}
	}
}

// sliceRange adds a ranged check over the backing array of the slice
// expression s: its first len(s) elements, or size bytes when size is
// not empty.
func (c *collector) sliceRange(s ast.Expr, sl *types.Slice, kind accessKind, size string) {
	if !c.r.pure(s) {
		// A call result's backing array cannot be named twice;
		// documented as not instrumented.
		return
	}
	if conv, ok := unparen(s).(*ast.CallExpr); ok && len(conv.Args) == 1 {
		if tv, ok := c.r.info.Types[conv.Fun]; ok && tv.IsType() {
			if b, ok := coreType(c.r.info.TypeOf(conv.Args[0])).(*types.Basic); ok && b.Info()&types.IsString != 0 {
				return // []byte(str) is a fresh copy nobody else sees
			}
		}
	}
	st, ok := c.r.exprText(s)
	if !ok {
		c.r.warn(s.Pos(), "bulk access through an operand spanning lines is not instrumented")
		return
	}
	elem, _, ok := c.r.sizeOfText("("+st+")[0]", sl.Elem())
	if !ok {
		return
	}
	if size == "" {
		size = "uintptr(len(" + st + "))*" + elem
	}
	c.r.usedUnsafe = true
	c.guard = joinGuards(c.r.guardOf(s), nonEmpty(st))
	c.akey = c.r.valueKey(s)
	c.acc = s
	c.add(kind, true, c.r.sliceData(st)+", "+size, st+"[:]", s.Pos())
}

// sliceData returns the address of the first element of the slice s as
// uintptr, for a check guarded by nonEmpty(s). Unlike unsafe.SliceData it
// type-checks at every language version, so a module's go directive does
// not limit which bulk operations are checked.
func (r *fileRewriter) sliceData(s string) string {
	return "uintptr(" + unsafeName + ".Pointer(&(" + s + ")[0]))"
}

// nonEmpty is the guard of sliceData(s).
func nonEmpty(s string) string { return "0 < len(" + s + ")" }

func (c *collector) builtinCall(name string, e *ast.CallExpr) {
	info := c.r.info
	args := e.Args
	switch name {
	case "len", "cap":
		if len(args) != 1 {
			return
		}
		switch coreType(info.TypeOf(args[0])).(type) {
		case *types.Map:
			c.mapAccess(args[0], kRead, e.Pos())
		case *types.Array:
			// The length of an array is its type's.
			c.addrOf(args[0])
		case *types.Pointer:
			c.read(args[0])
		case *types.Slice, *types.Basic:
			c.lenWord(args[0], name)
		default:
			c.read(args[0])
		}
	case "append":
		for _, a := range args {
			c.read(a)
		}
		if !c.deferred {
			c.appendEffect(e)
		}
	case "copy":
		for _, a := range args {
			c.read(a)
		}
		if !c.deferred && len(args) == 2 {
			c.copyEffect(args[0], args[1])
		}
	case "clear":
		if len(args) != 1 {
			return
		}
		switch t := coreType(info.TypeOf(args[0])).(type) {
		case *types.Map:
			c.mapAccess(args[0], kWrite, e.Pos())
		case *types.Slice:
			c.read(args[0])
			if !c.deferred {
				c.sliceRange(args[0], t, kWrite, "")
			}
		default:
			c.read(args[0])
		}
	case "delete":
		if len(args) != 2 {
			return
		}
		c.mapAccess(args[0], kWrite, e.Pos())
		c.read(args[1])
	case "make":
		for _, a := range args[1:] {
			c.read(a)
		}
	case "new":
		for _, a := range args {
			c.read(a) // a type is skipped by read; new(expr) reads expr
		}
	case "Sizeof", "Alignof", "Offsetof":
		// Not evaluated.
	case "close":
		for _, a := range args {
			c.read(a)
		}
		c.closeCall(e)
	default:
		// close, panic, print, println, complex, real, imag, min,
		// max, recover, unsafe.Add/Slice/SliceData/String/StringData:
		// they read their operands.
		for _, a := range args {
			c.read(a)
		}
	}
}

// lenWord collects len(x) or cap(x) of a slice or string: a read of
// the one header word it loads (a plain, word-sized check, cheaper than a
// ranged one in loop conditions), when the header is shared storage.
func (c *collector) lenWord(x ast.Expr, name string) {
	c.locate(x)
	shared, addressable := c.r.storage(x)
	if !shared || !addressable {
		if !addressable {
			c.read(x)
		}
		return
	}
	addr, ok := c.r.addrText(x)
	if !ok {
		c.r.warn(x.Pos(), "access through an operand with side effects, spanning lines or too long is not instrumented")
		return
	}
	word := c.r.sizes.Sizeof(types.Typ[types.Uintptr])
	off := word // len follows the data pointer
	if name == "cap" {
		off = 2 * word
	}
	size := strconv.FormatInt(word, 10)
	c.guard = c.r.guardOf(x)
	c.akey = c.r.addrKey(x)
	c.acc = x
	c.add(kRead, false, addr+"+"+strconv.FormatInt(off, 10)+", "+size, name+"("+c.r.text(x)+") "+size, x.Pos())
}

// appendEffect checks append(s, xs...)'s effect on memory: when the
// result fits s's capacity the new elements are written into s's backing
// array after len(s); otherwise a new array is allocated and s's elements
// are read (copied). The operand read of a spread slice is checked too.
func (c *collector) appendEffect(e *ast.CallExpr) {
	if len(e.Args) == 0 {
		return
	}
	s := e.Args[0]
	sl, ok := coreType(c.r.info.TypeOf(e)).(*types.Slice)
	if !ok {
		return
	}
	n := ""
	if e.Ellipsis.IsValid() {
		if len(e.Args) != 2 {
			return
		}
		xs := e.Args[1]
		if xsl, ok := coreType(c.r.info.TypeOf(xs)).(*types.Slice); ok {
			c.sliceRange(xs, xsl, kRead, "")
		}
		xt, ok := c.r.exprText(xs)
		if !ok || !c.r.pure(xs) {
			return
		}
		n = "len(" + xt + ")"
	} else {
		n = strconv.Itoa(len(e.Args) - 1)
	}
	if n == "0" {
		return
	}
	if !c.r.pure(s) {
		return // as in sliceRange
	}
	st, ok := c.r.exprText(s)
	if !ok {
		c.r.warn(e.Pos(), "append to an operand spanning lines is not instrumented")
		return
	}
	if tv, ok := c.r.info.Types[s]; ok && tv.IsNil() {
		return
	}
	elem, _, ok := c.r.sizeOfText("("+st+")[0]", sl.Elem())
	if !ok {
		return
	}
	c.r.usedUnsafe = true
	// The appended elements start at index len(st) of st resliced to
	// hold them; the elements copied to a new array, at index 0.
	write := c.r.hookCall("WriteRange", "uintptr("+unsafeName+".Pointer(&("+st+")[:len("+st+")+"+n+"][len("+st+")])), uintptr("+n+")*"+elem)
	read := c.r.hookCall("ReadRange", c.r.sliceData(st)+", uintptr(len("+st+"))*"+elem)
	fits := "if len(" + st + ")+" + n + " <= cap(" + st + ") { "
	other := " } else if " + nonEmpty(st) + " { "
	if e.Ellipsis.IsValid() {
		// Nothing appended, nothing to index at len(st).
		fits += "if 0 < " + n + " { "
		other = " }" + other
	}
	stmt := fits + "if " + budgetName + "--; " + write.due + " { " + write.slow + " }" + other + "if " + budgetName + "--; " + read.due + " { " + read.slow + " } }"
	plain := fits + write.plain + other + read.plain + " }"
	if g := c.r.guardOf(s); g != "" {
		stmt = "if " + g + " { " + stmt + " }"
		plain = "if " + g + " { " + plain + " }"
	}
	c.addStmt(stmt, plain, "Append "+st, e.Pos())
}

// copyEffect checks copy(dst, src): min(len(dst), len(src)) elements are
// written to dst's backing array and read from src's (a string source is
// immutable and not checked).
func (c *collector) copyEffect(dst, src ast.Expr) {
	dsl, ok := coreType(c.r.info.TypeOf(dst)).(*types.Slice)
	if !ok {
		return
	}
	if !c.r.pure(dst) || !c.r.pure(src) {
		return // as in sliceRange
	}
	dt, ok1 := c.r.exprText(dst)
	srt, ok2 := c.r.exprText(src)
	if !ok1 || !ok2 {
		c.r.warn(dst.Pos(), "copy with operands spanning lines is not instrumented")
		return
	}
	elem, _, ok := c.r.sizeOfText("("+dt+")[0]", dsl.Elem())
	if !ok {
		return
	}
	// The per-file helper, not the min builtin: it works before go1.21
	// and cannot be shadowed by a user's own min.
	c.r.needMin = true
	n := "uintptr(" + c.r.minName() + "(len(" + dt + "), len(" + srt + ")))*" + elem
	c.r.usedUnsafe = true
	guard := joinGuards(c.r.guardOf(dst), c.r.guardOf(src))
	c.guard = joinGuards(guard, nonEmpty(dt))
	c.add(kWrite, true, c.r.sliceData(dt)+", "+n, dt+"[:]", dst.Pos())
	if b, ok := coreType(c.r.info.TypeOf(src)).(*types.Basic); ok && b.Info()&types.IsString != 0 {
		return
	}
	c.guard = joinGuards(guard, nonEmpty(srt))
	c.add(kRead, true, c.r.sliceData(srt)+", "+n, srt+"[:]", src.Pos())
}

// atomicCall handles a sync/atomic function or typed-atomic method call,
// reporting whether it did.
func (c *collector) atomicCall(e *ast.CallExpr, fn *types.Func) bool {
	kind, ok := atomicKind(fn.Name())
	if !ok {
		return false
	}
	sig := fn.Type().(*types.Signature)
	if sig.Recv() == nil {
		// atomic.AddInt64(&x, 1): the target is the first operand.
		if len(e.Args) == 0 {
			return false
		}
		c.read(e.Fun)
		for _, a := range e.Args {
			c.read(a)
		}
		if c.deferred {
			return true
		}
		p := e.Args[0]
		pt, ok := coreType(c.r.info.TypeOf(p)).(*types.Pointer)
		if !ok {
			return true
		}
		pp, ok := c.r.exprText(p)
		if !ok || !c.r.pure(p) {
			c.r.warn(p.Pos(), "atomic access through an operand with side effects is not instrumented")
			return true
		}
		size, _, ok := c.r.sizeOfText("*"+pp, pt.Elem())
		if !ok {
			return true
		}
		c.r.usedUnsafe = true
		what := "*" + pp
		if strings.HasPrefix(pp, "&") {
			what = pp[1:]
		}
		c.guard = c.r.guardPtr(p)
		c.add(kind, false, "uintptr("+unsafeName+".Pointer("+pp+")), "+size, what+" "+size, e.Pos())
		return true
	}
	// v.Add(1) on an atomic.Int64 etc.
	sx, ok := unparen(e.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	sel := c.r.info.Selections[sx]
	if sel == nil || sel.Kind() != types.MethodVal || len(sel.Index()) != 1 {
		return false
	}
	c.receiver(sx, sel)
	for _, a := range e.Args {
		c.read(a)
	}
	if c.deferred {
		return true
	}
	recv := sig.Recv().Type()
	if p, ok := recv.(*types.Pointer); ok {
		recv = p.Elem()
	}
	var target string
	var tok bool
	if isPointer(c.r.info.TypeOf(sx.X)) {
		if !c.r.pure(sx.X) {
			c.r.warn(sx.Pos(), "atomic access through an operand with side effects is not instrumented")
			return true
		}
		target, tok = c.r.exprText(sx.X)
	} else {
		target, tok = c.r.ptrText(sx.X)
	}
	if !tok {
		c.r.warn(sx.Pos(), "atomic access through an operand with side effects or spanning lines is not instrumented")
		return true
	}
	size, _, ok := c.r.sizeOfText("*"+target, recv)
	if !ok {
		return true
	}
	c.r.usedUnsafe = true
	if isPointer(c.r.info.TypeOf(sx.X)) {
		c.guard = c.r.guardPtr(sx.X)
	} else {
		c.guard = c.r.guardOf(sx.X)
	}
	c.add(kind, false, "uintptr("+unsafeName+".Pointer("+target+")), "+size, c.r.text(sx.X)+" "+size, e.Pos())
	return true
}

// atomicKind classifies a sync/atomic function or method by name.
func atomicKind(name string) (accessKind, bool) {
	switch {
	case strings.HasPrefix(name, "Load"):
		return kAtomicRead, true
	case strings.HasPrefix(name, "Store"):
		return kAtomicWrite, true
	case strings.HasPrefix(name, "Add"), strings.HasPrefix(name, "Swap"),
		strings.HasPrefix(name, "CompareAndSwap"), strings.HasPrefix(name, "And"),
		strings.HasPrefix(name, "Or"):
		return kAtomicReadWrite, true
	}
	return 0, false
}
