package instrument

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
)

// Calls of sync's Mutex, RWMutex, WaitGroup and Once methods, close and
// channel sends feed the runtime's lock-order checker (lockdep) and its
// reordering model: locks go through Lock, RLock, TryLockedB, Unlock and
// RUnlock with a lock class naming where the lock lives, and releasing
// operations (WaitGroup.Done and Go, Once.Do, close, sends, go statements)
// are preceded by Release. Unlock and RUnlock are barriers themselves.

// syncCall handles a call of a sync method, reporting whether it did.
func (c *collector) syncCall(e *ast.CallExpr, fn *types.Func, sx *ast.SelectorExpr, sel *types.Selection) bool {
	recv := fn.Type().(*types.Signature).Recv()
	if recv == nil {
		return false
	}
	rt := recv.Type()
	if p, ok := rt.(*types.Pointer); ok {
		rt = p.Elem()
	}
	named, ok := rt.(*types.Named)
	if !ok {
		return false
	}
	method := named.Obj().Name() + "." + fn.Name()
	switch method {
	case "Mutex.Lock", "Mutex.Unlock", "Mutex.TryLock",
		"RWMutex.Lock", "RWMutex.Unlock", "RWMutex.TryLock",
		"RWMutex.RLock", "RWMutex.RUnlock", "RWMutex.TryRLock",
		"WaitGroup.Done", "WaitGroup.Go", "Once.Do":
	default:
		return false
	}
	c.receiver(sx, sel)
	for _, a := range e.Args {
		c.read(a)
	}
	r := c.r
	switch method {
	case "WaitGroup.Done", "WaitGroup.Go", "Once.Do":
		if !c.deferred {
			c.releaseCall(e)
			return true
		}
		if c.isDefer && method == "WaitGroup.Done" {
			// defer wg.Done(): the barrier must run when Done does; the
			// method value binds the receiver at the defer statement,
			// as the original call does.
			r.usedRT = true
			r.buf.open(r.off(e.Pos()), "func(f func()) { "+rtName+".Release(); f() }("+r.lineDir(e.Pos()))
			r.buf.replace(r.off(e.Lparen), r.off(e.Rparen)+1, ")"+r.lineDir(e.End()))
			r.recordOne(e.Pos(), "DeferRelease")
		}
		return true
	}
	ptr, class, ok := c.lockTarget(sx, sel)
	if !ok {
		r.warn(e.Pos(), "lock through an operand with side effects is not tracked")
		return true
	}
	r.usedRT = true
	r.usedUnsafe = true
	addr := "uintptr(" + unsafeName + ".Pointer(" + ptr + "))"
	switch fn.Name() {
	case "Lock", "RLock":
		if c.deferred {
			return true
		}
		c.guard = r.guardOfRecv(sx.X)
		c.addRaw(fn.Name(), addr+", "+r.lockClassVar(class), fn.Name()+" "+class, e.Pos())
	case "Unlock", "RUnlock":
		if !c.deferred {
			c.guard = r.guardOfRecv(sx.X)
			c.addRaw(fn.Name(), addr, fn.Name(), e.Pos())
			return true
		}
		if c.isDefer {
			// defer mu.Unlock() becomes defer DeferUnlock(addr,
			// mu.Unlock): both operands are evaluated at the defer
			// statement, as the receiver is in the original.
			r.buf.open(r.off(e.Pos()), rtName+".Defer"+fn.Name()+"("+addr+", "+r.lineDir(e.Pos()))
			r.buf.replace(r.off(e.Lparen), r.off(e.Rparen)+1, ")"+r.lineDir(e.End()))
			r.recordOne(e.Pos(), "Defer"+fn.Name())
		}
	case "TryLock", "TryRLock":
		if c.deferred {
			return true
		}
		read := strconv.FormatBool(fn.Name() == "TryRLock")
		r.buf.open(r.off(e.Pos()), rtName+".TryLockedB("+addr+", "+r.lockClassVar(class)+", "+read+", "+r.lineDir(e.Pos()))
		r.buf.close(r.off(e.End()), ")"+r.lineDir(e.End()))
		r.recordOne(e.Pos(), fn.Name()+" "+class)
	}
	return true
}

// release adds a Release barrier after the checks collected so far. A
// collector keeps one: its checks all run before the calls of what it
// collects, so one Release after the checks preceding the last barrier
// does for all (it keeps the first barrier's position, for the tests).
func (c *collector) release(pos token.Pos) {
	h := c.r.hookCall("Release", "")
	c.checks = append(c.checks, check{key: "Release()", stmt: h.plain, plain: h.plain, boolean: h.boolean, pos: pos, desc: "Release", release: true, ctx: c.cur})
}

// lockTarget returns the Go text of a pointer to the lock a method call
// operates on (through embedded fields for promoted methods) and the
// name of its lock class.
func (c *collector) lockTarget(sx *ast.SelectorExpr, sel *types.Selection) (ptr, class string, ok bool) {
	r := c.r
	if !r.pure(sx.X) {
		return "", "", false
	}
	text, ok := r.exprText(sx.X)
	if !ok {
		return "", "", false
	}
	t := r.info.TypeOf(sx.X)
	path := sel.Index()[:len(sel.Index())-1]
	if len(path) == 0 {
		if isPointer(t) {
			return text, r.classOf(sx.X), true
		}
		return "&(" + text + ")", r.classOf(sx.X), true
	}
	// A promoted method: the lock is an embedded field.
	var owner types.Type
	var field *types.Var
	for _, i := range path {
		st, ok := deref(t).Underlying().(*types.Struct)
		if !ok {
			return "", "", false
		}
		owner, field = deref(t), st.Field(i)
		text += "." + field.Name()
		t = field.Type()
	}
	class = typeName(owner) + "." + field.Name()
	if isPointer(t) {
		return text, class, true
	}
	return "&" + text, class, true
}

func deref(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// typeName names a (possibly generic) type by package path and name.
func typeName(t types.Type) string {
	t = deref(t)
	if n, ok := types.Unalias(t).(*types.Named); ok {
		o := n.Origin().Obj()
		if o.Pkg() != nil {
			return o.Pkg().Path() + "." + o.Name()
		}
		return o.Name()
	}
	return t.String()
}

// classOf names the lock class of a lock expression: where the lock
// lives. A package variable is its own class; a struct field is one class
// per type and field; a local variable one per function and name;
// elements of a slice, array or map share their container's class.
func (r *fileRewriter) classOf(e ast.Expr) string {
	switch x := unparen(e).(type) {
	case *ast.UnaryExpr:
		return r.classOf(x.X)
	case *ast.StarExpr:
		return r.classOf(x.X)
	case *ast.IndexExpr:
		return r.classOf(x.X) + "[]"
	case *ast.Ident:
		if v, ok := r.info.Uses[x].(*types.Var); ok && v.Pkg() != nil {
			if isPkgLevel(v) {
				return v.Pkg().Path() + "." + v.Name()
			}
			return v.Pkg().Path() + "." + r.funcName + "." + v.Name()
		}
	case *ast.SelectorExpr:
		sel := r.info.Selections[x]
		if sel == nil {
			if v, ok := r.info.Uses[x.Sel].(*types.Var); ok && v.Pkg() != nil {
				return v.Pkg().Path() + "." + v.Name()
			}
			break
		}
		if sel.Kind() == types.FieldVal {
			t := sel.Recv()
			idx := sel.Index()
			for _, i := range idx[:len(idx)-1] {
				st, ok := deref(t).Underlying().(*types.Struct)
				if !ok {
					break
				}
				t = st.Field(i).Type()
			}
			return typeName(t) + "." + x.Sel.Name
		}
	}
	return r.pkg.Path() + "." + r.funcName + "@" + fmt.Sprint(r.fset.Position(e.Pos()).Line)
}

// lockClassVar returns the package variable holding the class.
func (r *fileRewriter) lockClassVar(class string) string {
	return r.classVars.name("__gocsan_lc_", class)
}

// closeCall handles close(ch), a releasing operation: the barrier goes
// before it, or, for defer close(ch), into a per-file generic helper that
// runs when the deferred close does (ch still evaluated at the defer).
func (c *collector) closeCall(e *ast.CallExpr) {
	r := c.r
	if !c.deferred {
		if r.lang < 18 {
			c.releaseCall(e)
			return
		}
		// close(ch) becomes close_(ch): ChanClose right before
		// the close (runtime/hb_chan.go).
		r.usedRT = true
		r.needClose = true
		r.buf.replace(r.off(e.Fun.Pos()), r.off(e.Fun.End()), r.closeName()+r.lineDir(e.Fun.End()))
		r.recordOne(e.Pos(), "ChanClose")
		return
	}
	if !c.isDefer || r.lang < 18 {
		return
	}
	r.usedRT = true
	r.needClose = true
	r.buf.replace(r.off(e.Fun.Pos()), r.off(e.Fun.End()), r.closeName()+r.lineDir(e.Fun.End()))
	r.recordOne(e.Pos(), "DeferRelease")
}
