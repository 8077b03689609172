package instrument

import (
	"bytes"
	"go/ast"
	"go/printer"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// Helpers that decide whether an expression's storage may be shared and
// produce the Go text of its address and size.

// storage reports whether the storage e denotes may be shared with
// another goroutine, and whether e is addressable at all.
func (r *fileRewriter) storage(e ast.Expr) (shared, addressable bool) {
	switch e := unparen(e).(type) {
	case *ast.Ident:
		v, ok := r.info.Uses[e].(*types.Var)
		if !ok {
			return false, false
		}
		return isPkgLevel(v) || r.shared[v], true
	case *ast.SelectorExpr:
		sel := r.info.Selections[e]
		if sel == nil {
			v, ok := r.info.Uses[e.Sel].(*types.Var)
			if !ok {
				return false, false
			}
			return isPkgLevel(v), true
		}
		if sel.Kind() != types.FieldVal {
			return false, false
		}
		if sel.Indirect() {
			return !r.fresh(e.X), true
		}
		return r.storage(e.X)
	case *ast.IndexExpr:
		switch coreType(r.info.TypeOf(e.X)).(type) {
		case *types.Slice, *types.Pointer:
			return !r.fresh(e.X), true
		case *types.Array:
			return r.storage(e.X)
		}
		return false, false
	case *ast.StarExpr:
		return !r.fresh(e.X), true
	}
	return false, false
}

// fresh reports whether the pointer or slice value e points to memory
// allocated by e itself, which no other goroutine can have seen: &T{...}
// or a slice literal, possibly converted (xxhash's
// *(*[]byte)(unsafe.Pointer(&sliceHeader{s, len(s)}))). Only the literal's
// own storage is fresh, not what its fields point to.
func (r *fileRewriter) fresh(e ast.Expr) bool {
	switch x := unparen(e).(type) {
	case *ast.UnaryExpr:
		_, lit := unparen(x.X).(*ast.CompositeLit)
		return x.Op == token.AND && lit
	case *ast.CompositeLit:
		_, slice := coreType(r.info.TypeOf(x)).(*types.Slice)
		return slice
	case *ast.CallExpr:
		if tv, ok := r.info.Types[x.Fun]; ok && tv.IsType() && len(x.Args) == 1 {
			return r.fresh(x.Args[0])
		}
	}
	return false
}

// sizeOf returns the Go text of e's size and whether it needs a ranged
// check (larger than a word or not a power of two); ok is false for
// zero-sized values, which never race.
func (r *fileRewriter) sizeOf(e ast.Expr, t types.Type) (size string, isRange, ok bool) {
	return r.sizeOfText(r.text(e), t)
}

// sizeOfText is sizeOf for the expression text et of type t. Sizes of
// types involving type parameters are only known at instantiation, so
// they use unsafe.Sizeof (not constant for them) and the ranged form.
func (r *fileRewriter) sizeOfText(et string, t types.Type) (size string, isRange, ok bool) {
	if t == nil {
		return "", false, false
	}
	if b, ok := t.Underlying().(*types.Basic); ok && b.Kind() == types.Invalid {
		return "", false, false // C.x under FakeImportC has no type
	}
	if hasTypeParam(t, map[types.Type]bool{}) {
		r.usedUnsafe = true
		return unsafeName + ".Sizeof(" + et + ")", true, true
	}
	n := r.sizes.Sizeof(t)
	switch n {
	case 0:
		return "", false, false
	case 1, 2, 4, 8:
		return strconv.FormatInt(n, 10), false, true
	}
	return strconv.FormatInt(n, 10), true, true
}

func hasTypeParam(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t := t.(type) {
	case *types.TypeParam:
		return true
	case *types.Named:
		args := t.TypeArgs()
		for i := 0; i < args.Len(); i++ {
			if hasTypeParam(args.At(i), seen) {
				return true
			}
		}
		return hasTypeParam(t.Underlying(), seen)
	case *types.Alias:
		return hasTypeParam(types.Unalias(t), seen)
	case *types.Array:
		return hasTypeParam(t.Elem(), seen)
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if hasTypeParam(t.Field(i).Type(), seen) {
				return true
			}
		}
	}
	// Pointers, slices, maps, channels, funcs and interfaces have a
	// fixed size whatever their element types.
	return false
}

// pure reports whether evaluating e twice has no side effect beyond a
// possible panic at the same line: no calls (other than conversions and
// side-effect-free builtins), receives or allocations.
func (r *fileRewriter) pure(e ast.Expr) bool {
	if e == nil {
		return true
	}
	if tv, ok := r.info.Types[e]; ok && (tv.IsType() || tv.Value != nil) {
		return true
	}
	switch e := e.(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return r.pure(e.X)
	case *ast.SelectorExpr:
		if r.info.Selections[e] == nil {
			return true
		}
		return r.pure(e.X)
	case *ast.IndexExpr:
		return r.pure(e.X) && r.pure(e.Index)
	case *ast.IndexListExpr:
		return true
	case *ast.StarExpr:
		return r.pure(e.X)
	case *ast.UnaryExpr:
		return e.Op != token.ARROW && r.pure(e.X)
	case *ast.BinaryExpr:
		return r.pure(e.X) && r.pure(e.Y)
	case *ast.SliceExpr:
		return r.pure(e.X) && r.pure(e.Low) && r.pure(e.High) && r.pure(e.Max)
	case *ast.TypeAssertExpr:
		return r.pure(e.X)
	case *ast.CallExpr:
		if tv, ok := r.info.Types[e.Fun]; ok && tv.IsType() {
			return len(e.Args) == 1 && r.pure(e.Args[0])
		}
		c := &collector{r: r}
		switch c.builtin(e.Fun) {
		case "len", "cap", "min", "max", "real", "imag", "complex",
			"Sizeof", "Alignof", "Offsetof", "Add", "SliceData", "StringData":
			for _, a := range e.Args {
				if !r.pure(a) {
					return false
				}
			}
			return true
		}
	}
	return false
}

// Limits on what one check may repeat of the source: an address expression
// is printed in the check and its guard, and each level of a chain like
// a[0][0]...[0] gets checks of its own, so the inserted text grows with
// the square of the chain's length (Go's test/fixedbugs/issue29312.go,
// 252 levels, made the compiler use gigabytes). Real code stays far below.
const (
	maxExprText = 200
	maxGuards   = 12
)

// exprText prints e on one line. It fails for raw strings spanning lines
// and for texts longer than maxExprText.
func (r *fileRewriter) exprText(e ast.Expr) (string, bool) {
	var buf bytes.Buffer
	if err := printer.Fprint(&buf, r.fset, e); err != nil {
		return "", false
	}
	s := buf.String()
	if strings.Contains(s, "\n") {
		if strings.Contains(s, "`") {
			return "", false
		}
		lines := strings.Split(s, "\n")
		for i := range lines {
			lines[i] = strings.TrimSpace(lines[i])
		}
		s = strings.Join(lines, " ")
	}
	if len(s) > maxExprText {
		return "", false
	}
	return s, true
}

// text is exprText for descriptions, where failure does not matter.
func (r *fileRewriter) text(e ast.Expr) string {
	s, _ := r.exprText(e)
	return s
}

// ptrText returns the Go text of a pointer to the storage of the
// addressable, side-effect-free expression e.
func (r *fileRewriter) ptrText(e ast.Expr) (string, bool) {
	e = unparen(e)
	if !r.pure(e) {
		return "", false
	}
	if s, ok := e.(*ast.StarExpr); ok {
		return r.exprText(s.X)
	}
	t, ok := r.exprText(e)
	if !ok {
		return "", false
	}
	return "&" + t, true
}

// addrText returns the Go text of the address of e's storage as uintptr.
// Converting the pointer to uintptr (never back) keeps the variable from
// escaping and keeps vet's unsafeptr check quiet.
func (r *fileRewriter) addrText(e ast.Expr) (string, bool) {
	p, ok := r.ptrText(e)
	if !ok {
		return "", false
	}
	r.usedUnsafe = true
	return "uintptr(" + unsafeName + ".Pointer(" + p + "))", true
}

// guardOf returns the condition ("" if none is needed) under which the
// address of the addressable expression e can be computed without a
// panic: every pointer followed is non-nil, every index is in range.
// Checks are evaluated before the access (and, for statements, before
// the statement), so an address that panics would change what runs: a
// tuple assignment whose second target panics still performs the first.
func (r *fileRewriter) guardOf(e ast.Expr) string {
	var gs []string
	r.guards(e, &gs)
	return joinGuards(gs...)
}

// tooGuarded reports whether a guard has more terms than maxGuards.
func tooGuarded(g string) bool { return strings.Count(g, " && ") >= maxGuards }

// guardPtr is guardOf for *p.
func (r *fileRewriter) guardPtr(p ast.Expr) string {
	var gs []string
	r.guards(p, &gs)
	if t, ok := r.exprText(p); ok {
		gs = append(gs, t+" != nil")
	}
	return joinGuards(gs...)
}

// guardOfRecv is the guard of a method receiver: the pointer if x is one,
// x's address otherwise.
func (r *fileRewriter) guardOfRecv(x ast.Expr) string {
	if isPointer(r.info.TypeOf(x)) {
		return r.guardPtr(x)
	}
	return r.guardOf(x)
}

func (r *fileRewriter) guards(e ast.Expr, gs *[]string) {
	switch x := unparen(e).(type) {
	case *ast.SelectorExpr:
		sel := r.info.Selections[x]
		if sel == nil {
			return
		}
		r.guards(x.X, gs)
		text, ok := r.exprText(x.X)
		if !ok {
			return
		}
		t := r.info.TypeOf(x.X)
		if isPointer(t) {
			*gs = append(*gs, text+" != nil")
		}
		// Pointers embedded on the path to a promoted field.
		idx := sel.Index()
		for _, i := range idx[:len(idx)-1] {
			st, ok := deref(t).Underlying().(*types.Struct)
			if !ok {
				return
			}
			f := st.Field(i)
			text += "." + f.Name()
			t = f.Type()
			if isPointer(t) {
				*gs = append(*gs, text+" != nil")
			}
		}
	case *ast.StarExpr:
		r.guards(x.X, gs)
		if text, ok := r.exprText(x.X); ok {
			*gs = append(*gs, text+" != nil")
		}
	case *ast.IndexExpr:
		r.guards(x.X, gs)
		xt, ok1 := r.exprText(x.X)
		it, ok2 := r.exprText(x.Index)
		if !ok1 || !ok2 {
			return
		}
		constIndex := false
		if tv, ok := r.info.Types[x.Index]; ok && tv.Value != nil {
			constIndex = true
		}
		// One unsigned comparison covers both bounds, for index
		// operands of any integer type.
		inRange := "uint64(" + it + ") < uint64(len(" + xt + "))"
		switch coreType(r.info.TypeOf(x.X)).(type) {
		case *types.Slice:
			*gs = append(*gs, inRange)
		case *types.Array:
			if !constIndex {
				*gs = append(*gs, inRange)
			}
		case *types.Pointer:
			*gs = append(*gs, xt+" != nil")
			if !constIndex {
				*gs = append(*gs, inRange)
			}
		}
	case *ast.CallExpr:
		// A conversion: guard its operand.
		if len(x.Args) == 1 {
			if tv, ok := r.info.Types[x.Fun]; ok && tv.IsType() {
				r.guards(x.Args[0], gs)
			}
		}
	}
}

// joinGuards joins conditions with &&, dropping empty and repeated ones.
func joinGuards(gs ...string) string {
	var out []string
	seen := map[string]bool{}
	for _, g := range gs {
		if g == "" || seen[g] {
			continue
		}
		seen[g] = true
		out = append(out, g)
	}
	return strings.Join(out, " && ")
}
