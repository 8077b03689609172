package instrument

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// Releasing barriers before calls of code the rewriter does not see.
//
// With the runtime's reordering model (option reorder), a watched access
// stays in flight until its goroutine's next releasing barrier, and the
// rewriter emits Release before the barriers it can see (sync.go).
// Synchronization inside uninstrumented code is invisible: the standard
// library is never instrumented (a sync.Pool.Put publishes the object
// put, a sync.Map, a Cond, I/O, context, time all synchronize inside), and
// a call through an interface or a function value may reach such code. So
// a Release goes before every call that may run uninstrumented code:
//
//   - a static function or method declared in a standard-library package
//     (the first element of its path has no dot), other than the package
//     being rewritten, except those known not to synchronize
//     (nonSynchronizing: strings, strconv, sort, time.Sleep, ...);
//   - an interface method (also through a type parameter);
//   - a function value (variable, field, method value, call result).
//
// A static function or method of another non-standard package gets
// ReleaseUnless instead, which releases only when that package is not
// instrumented (a dependency outside the instrumented set, a package the
// rewriter left unchanged): whether it is depends on the build's
// selection, which the rewriter of this package does not know and which
// must not change its output (the build cache reuses it across
// selections), so the runtime decides, from the packages registered at
// initialization (RegisterPackage). Instrumented packages release at
// their own barriers.
//
// Not before builtins, conversions or function literals called where they
// are written.
// sync/atomic and the lock, WaitGroup and Once methods are handled by
// atomicCall and syncCall, which place their own barriers.
//
// Placement follows the other checks (order.go): a releasing call's
// Release goes with the checks of the accesses evaluated right before the
// call, after them; one Release serves all the releasing calls of one such
// place: before the statement, or at the front of a condition evaluated
// each time or only sometimes (for conditions and post statements, right
// operands of && and ||, case expressions), or after the event evaluated
// before the call. See wrapRelease for the operands wrapped where they
// are.

// isStd reports whether the import path names a standard-library package:
// its first element has no dot (the go command's rule).
func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// mayRunUninstrumented reports whether the call e may run code that is
// not instrumented (see above).
func (r *fileRewriter) mayRunUninstrumented(e *ast.CallExpr) bool {
	if tv, ok := r.info.Types[e.Fun]; ok && tv.IsType() {
		return false // a conversion
	}
	if (&collector{r: r}).builtin(e.Fun) != "" {
		return false
	}
	if _, ok := unparen(e.Fun).(*ast.FuncLit); ok {
		return false // instrumented here
	}
	fn := calledFunc(r.info, e.Fun)
	if fn == nil {
		return true // a function value
	}
	if recv := fn.Type().(*types.Signature).Recv(); recv != nil && types.IsInterface(recv.Type()) {
		return true // an interface method: any implementation
	}
	if fn.Pkg() == nil || fn.Pkg() == r.pkg {
		return false
	}
	if fn.Pkg().Path() == "os" && fn.Name() == "Exit" {
		return false // replaced by the runtime's Exit (maybeExit)
	}
	return !isStd(fn.Pkg().Path()) || !nonSynchronizing(fn)
}

// otherPackage returns the import path of the non-standard package
// outside the one being rewritten that declares the function the call e
// names statically, or "".
func (r *fileRewriter) otherPackage(e *ast.CallExpr) string {
	fn := calledFunc(r.info, e.Fun)
	if fn == nil || fn.Pkg() == nil || fn.Pkg() == r.pkg || isStd(fn.Pkg().Path()) {
		return ""
	}
	if recv := fn.Type().(*types.Signature).Recv(); recv != nil && types.IsInterface(recv.Type()) {
		return ""
	}
	return fn.Pkg().Path()
}

// nonSyncPackages are standard-library packages none of whose
// package-level functions synchronize: they compute on their arguments
// and call no code that could (callbacks they are given are instrumented
// where they are written). Methods are not included: a strings.Replacer
// builds its tables under a sync.Once.
var nonSyncPackages = map[string]bool{
	"bytes": true, "errors": true, "math": true, "math/bits": true,
	"slices": true, "sort": true, "strconv": true, "strings": true,
	"unicode": true, "unicode/utf16": true, "unicode/utf8": true,
}

// nonSyncTime are the functions of package time that neither
// synchronize nor touch a timer another goroutine can see. time.Sleep
// parks on the goroutine's own timer: the memory model gives it no edge,
// and -race's runtime makes none. Methods of the value types Time,
// Duration, Month and Weekday compute on the value.
var nonSyncTime = map[string]bool{
	"Sleep": true, "Now": true, "Since": true, "Until": true, "Unix": true,
	"UnixMilli": true, "UnixMicro": true, "Date": true, "ParseDuration": true,
}

// nonSynchronizing reports whether fn, a function or method of the
// standard library, is known not to synchronize: a call of it is no
// barrier for the reordering model and publishes nothing to the
// happens-before detector (the detector then still sees the accesses
// before and after the call as unordered, as -race does).
func nonSynchronizing(fn *types.Func) bool {
	path := fn.Pkg().Path()
	recv := fn.Type().(*types.Signature).Recv()
	if recv == nil {
		return nonSyncPackages[path] || path == "time" && nonSyncTime[fn.Name()]
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	named, ok := t.(*types.Named)
	if !ok {
		return false
	}
	switch path + "." + named.Obj().Name() {
	case "time.Time", "time.Duration", "time.Month", "time.Weekday":
		return true
	case "sync.WaitGroup":
		// Wait only acquires: the Done calls it waits for happen
		// before it returns; what the waiter did before Wait is
		// ordered before nothing (-race's WaitGroup.Wait makes no
		// release either).
		return fn.Name() == "Wait"
	}
	return false
}

// firstRelease returns the position of the first call in the nodes
// (function literals' bodies excluded) that may run uninstrumented code,
// or token.NoPos.
func (r *fileRewriter) firstRelease(ns ...ast.Node) token.Pos {
	pos := token.NoPos
	for _, n := range ns {
		if n == nil || pos.IsValid() {
			continue
		}
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CallExpr:
				if r.mayRunUninstrumented(n) {
					pos = n.Pos()
				}
			}
			return !pos.IsValid()
		})
	}
	return pos
}

// releaseCall adds the Release barrier of the call e.
func (c *collector) releaseCall(e *ast.CallExpr) {
	path := c.r.otherPackage(e)
	if path == "" {
		c.release(e.Pos())
		return
	}
	h := c.r.hookCall("ReleaseUnless", c.r.packageRefVar(path))
	c.checks = append(c.checks, check{key: "ReleaseUnless(" + path + ")", stmt: h.plain, plain: h.plain, boolean: h.boolean, pos: e.Pos(), desc: "Release", release: true, ctx: c.cur})
}

// packageRefVar returns the package variable holding the runtime's
// reference to the package at path.
func (r *fileRewriter) packageRefVar(path string) string {
	return r.pkgRefVars.name("__gocsan_pkg_", path)
}

// takeRelease removes the collector's Releases, returning the first, if
// it has one.
func (c *collector) takeRelease() (check, bool) {
	var first check
	found := false
	kept := c.checks[:0:0]
	for _, k := range c.checks {
		if !k.release {
			kept = append(kept, k)
			continue
		}
		if !found {
			first, found = k, true
		}
	}
	c.checks = kept
	return first, found
}

// wrapRelease prepares a collector whose checks valueWrap places after
// the calls of the operand they wrap (a later var spec, a switch tag after
// an init statement, a tagged case value): its own Release would come
// after those calls, too late, so it moves to the statement's checks
// (stmt, emitted before the statement); when the statement calls
// uninstrumented code at all (rel, from firstRelease over its operands),
// a Release also follows the wrapped checks, before the calls of the
// operands evaluated after them.
func (c *collector) wrapRelease(stmt *collector, rel token.Pos, pos token.Pos) {
	k, ok := c.takeRelease()
	if ok {
		stmt.release(k.pos)
	}
	if rel.IsValid() && len(c.checks) > 0 {
		c.release(pos)
	}
}

// deferRelease makes the deferred call e (of a defer statement, to code
// that may be uninstrumented) release when it runs: defer f(x) becomes
//
//	defer func(f func(T), a0 T) { runtime.Release(); f(a0) }(f, x)
//
// which evaluates the function value and the arguments at the defer
// statement, as the original does. Only for calls whose parameter and
// result types are all predeclared (nameable anywhere) and not variadic;
// other deferred calls are not released (documented). seq is the edit
// order reserved before the call's operands were visited.
func (c *collector) deferRelease(e *ast.CallExpr, seq int) {
	r := c.r
	sig, ok := r.info.TypeOf(e.Fun).(*types.Signature)
	if !ok || sig.Variadic() || e.Ellipsis.IsValid() || sig.TypeParams().Len() > 0 || sig.Params().Len() != len(e.Args) {
		return
	}
	var params, names, decls []string
	for i := 0; i < sig.Params().Len(); i++ {
		t, ok := r.predeclaredText(sig.Params().At(i).Type(), e.Pos())
		if !ok {
			return
		}
		if _, tuple := r.info.TypeOf(e.Args[i]).(*types.Tuple); tuple {
			return
		}
		a := "a" + strconv.Itoa(i)
		params = append(params, t)
		names = append(names, a)
		decls = append(decls, a+" "+t)
	}
	var results []string
	for i := 0; i < sig.Results().Len(); i++ {
		t, ok := r.predeclaredText(sig.Results().At(i).Type(), e.Pos())
		if !ok {
			return
		}
		results = append(results, t)
	}
	ft := "func(" + strings.Join(params, ", ") + ")"
	switch len(results) {
	case 0:
	case 1:
		ft += " " + results[0]
	default:
		ft += " (" + strings.Join(results, ", ") + ")"
	}
	r.usedRT = true
	r.buf.openSeq(seq, r.off(e.Pos()), "func("+strings.Join(append([]string{"f " + ft}, decls...), ", ")+") { "+rtName+".Release(); f("+strings.Join(names, ", ")+") }("+r.lineDir(e.Pos()))
	if len(e.Args) == 0 {
		r.buf.replace(r.off(e.Lparen), r.off(e.Rparen)+1, ")"+r.lineDir(e.End()))
	} else {
		r.buf.replace(r.off(e.Lparen), r.off(e.Lparen)+1, ", "+r.lineDir(e.Lparen+1))
	}
	r.recordOne(e.Pos(), "DeferRelease")
}

// predeclaredText returns the name of t when it is a predeclared type
// that the name denotes at pos (not shadowed there).
func (r *fileRewriter) predeclaredText(t types.Type, pos token.Pos) (string, bool) {
	var name string
	switch t := t.(type) {
	case *types.Basic:
		if t.Info()&types.IsUntyped != 0 || t.Kind() == types.UnsafePointer || t.Kind() == types.Invalid {
			return "", false
		}
		name = t.Name()
	case *types.Named:
		if t.Obj().Pkg() != nil || t.TypeArgs().Len() > 0 {
			return "", false
		}
		name = t.Obj().Name()
	case *types.Alias:
		if t.Obj().Pkg() != nil {
			return "", false
		}
		name = t.Obj().Name()
		if name == "any" {
			// The type literal: any is only predeclared from go1.18
			// (sync.Pool.Put in a go1.13 module), and cannot be shadowed.
			return "interface{}", true
		}
	default:
		return "", false
	}
	u := types.Universe.Lookup(name)
	if u == nil {
		return "", false
	}
	if s := r.pkg.Scope().Innermost(pos); s != nil {
		if _, obj := s.LookupParent(name, pos); obj != u {
			return "", false
		}
	} else if r.pkg.Scope().Lookup(name) != nil {
		return "", false
	}
	return name, true
}
