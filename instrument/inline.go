package instrument

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// Accesses through an operand with side effects. The address of f().x,
// f()[i] or s[g()] cannot be computed again in a check without calling f
// or g twice; instead a per-file generic helper wraps the operand with
// the side effect, where it is evaluated once, checks the address it
// yields and returns it unchanged:
//
//	f().x   ->  ptr(f(), __gocsan.ReadAt, &site, offsetof(x), size).x
//	f()[i]  ->  elem(f(), i, __gocsan.ReadAt, &site, size)[i]   (i pure)
//	s[g()]  ->  s[index(s, g(), __gocsan.ReadAt, &site, size)]  (s pure)
//
// The helper runs when the operand has been evaluated, so the check is
// right for the access only when the last event (order.go) before the
// access is inside that operand: then nothing that could synchronize runs
// between the check and the access. Otherwise, and before go1.18, the
// access is not instrumented, with a warning.

// An inlineCheck is a check made by a helper wrapped around operand.
type inlineCheck struct {
	operand     ast.Expr
	open, close string
	seq         int
}

// inline adds an inline check of the access e, reporting whether e has
// one of the forms above.
func (c *collector) inline(e ast.Expr, kind accessKind, size string, isRange bool, pos token.Pos) bool {
	r := c.r
	if r.lang < 18 || c.inlineSeq == 0 || strings.Contains(size, unsafeName) {
		return false // no generic helper; sizes of type parameters
	}
	name := kindName(kind, isRange)
	var in *inlineCheck
	switch x := unparen(e).(type) {
	case *ast.SelectorExpr:
		sel := r.info.Selections[x]
		if sel == nil || sel.Kind() != types.FieldVal || !sel.Indirect() || len(sel.Index()) != 1 {
			return false
		}
		pt, ok := r.info.TypeOf(x.X).Underlying().(*types.Pointer)
		if !ok {
			return false
		}
		st, ok := pt.Elem().Underlying().(*types.Struct)
		if !ok || hasTypeParam(st, map[types.Type]bool{}) {
			return false
		}
		var fields []*types.Var
		for i := 0; i < st.NumFields(); i++ {
			fields = append(fields, st.Field(i))
		}
		off := r.sizes.Offsetsof(fields)[sel.Index()[0]]
		r.needPtrH = true
		in = &inlineCheck{operand: x.X, open: r.ptrHName() + "(",
			close: ", " + rtName + "." + name + "At, " + sitePlaceholder + ", " + strconv.FormatInt(off, 10) + ", " + size + ")"}
	case *ast.IndexExpr:
		if _, ok := coreType(r.info.TypeOf(x.X)).(*types.Slice); !ok {
			return false
		}
		xt, okX := r.exprText(x.X)
		it, okI := r.exprText(x.Index)
		switch {
		case !r.pure(x.X) && r.pure(x.Index) && okI:
			r.needElemH = true
			in = &inlineCheck{operand: x.X, open: r.elemHName() + "(",
				close: ", " + it + ", " + rtName + "." + name + "At, " + sitePlaceholder + ", " + size + ")"}
		case r.pure(x.X) && okX && !r.pure(x.Index) && !r.untyped(x.Index):
			r.needIndexH = true
			in = &inlineCheck{operand: x.Index, open: r.indexHName() + "(" + xt + ", ",
				close: ", " + rtName + "." + name + "At, " + sitePlaceholder + ", " + size + ")"}
		default:
			return false
		}
	default:
		return false
	}
	in.seq = c.inlineSeq
	r.usedRT = true
	c.checks = append(c.checks, check{pos: pos, desc: name + " " + r.text(e) + " " + size, ctx: c.cur, inline: in})
	return true
}

// placeInline emits the inline check k when the last event before its
// access (events in completion order, index their positions) is inside
// its operand; otherwise it warns.
func (r *fileRewriter) placeInline(k check, events []ast.Expr, index map[ast.Expr]int) {
	slot := len(events) - 1
	if k.ctx != nil {
		if i, ok := index[k.ctx]; ok {
			slot = i - 1
		}
	}
	op := k.inline.operand
	if slot < 0 || events[slot].Pos() < op.Pos() || events[slot].End() > op.End() {
		r.warn(k.pos, "access through an operand with side effects, spanning lines or too long is not instrumented")
		return
	}
	n := strconv.Itoa(r.numSites)
	r.numSites++
	closeText := strings.Replace(k.inline.close, sitePlaceholder, "&"+r.sitesName()+"["+n+"]", 1)
	r.buf.openSeq(k.inline.seq, r.off(op.Pos()), k.inline.open+r.lineDir(op.Pos()))
	r.buf.closeSeq(k.inline.seq, r.off(op.End()), closeText+r.lineDir(op.End()))
	r.record([]check{k})
}

// withoutInline drops the inline checks of ks.
func withoutInline(ks []check) []check {
	out := ks[:0:0]
	for _, k := range ks {
		if k.inline == nil {
			out = append(out, k)
		}
	}
	return out
}

func (r *fileRewriter) ptrHName() string   { return "__gocsan_ptr_" + r.suffix }
func (r *fileRewriter) elemHName() string  { return "__gocsan_elem_" + r.suffix }
func (r *fileRewriter) indexHName() string { return "__gocsan_index_" + r.suffix }

const integers = "~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr"

// inlineHelpers returns the declarations of the inline helpers used.
func (r *fileRewriter) inlineHelpers() []string {
	var out []string
	chk := "f func(*" + rtName + ".Site, uintptr, uintptr), s *" + rtName + ".Site"
	if r.needPtrH && r.buf.inserted(r.ptrHName()+"(") {
		out = append(out, "func "+r.ptrHName()+"[T any](p *T, "+chk+", off, size uintptr) *T { if p != nil { f(s, uintptr("+unsafeName+".Pointer(p))+off, size) }; return p }")
	}
	if r.needElemH && r.buf.inserted(r.elemHName()+"(") {
		out = append(out, "func "+r.elemHName()+"[S ~[]E, E any, I "+integers+"](x S, i I, "+chk+", size uintptr) S { if uint64(i) < uint64(len(x)) { f(s, uintptr("+unsafeName+".Pointer(&x[i])), size) }; return x }")
	}
	if r.needIndexH && r.buf.inserted(r.indexHName()+"(") {
		out = append(out, "func "+r.indexHName()+"[S ~[]E, E any, I "+integers+"](x S, i I, "+chk+", size uintptr) I { if uint64(i) < uint64(len(x)) { f(s, uintptr("+unsafeName+".Pointer(&x[i])), size) }; return i }")
	}
	if len(out) > 0 {
		r.usedUnsafe = true
	}
	return out
}
