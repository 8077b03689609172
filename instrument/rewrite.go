package instrument

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"hash/fnv"
	"path/filepath"
	"strconv"
	"strings"
)

// The names under which rewritten files import the runtime and unsafe,
// chosen so that they cannot clash with user identifiers in practice.
const (
	rtName     = "__gocsan"
	unsafeName = "__gocsan_unsafe"
)

type pkgRewriter struct {
	cfg    Config
	fset   *token.FileSet
	pkg    *types.Package
	info   *types.Info
	sizes  types.Sizes
	lang   int // minor language version
	shared map[*types.Var]bool
	// localShadows are local declarations of predeclared names that
	// inserted code uses (shadowsUniverse): the functions holding one
	// are not instrumented.
	localShadows []*ast.Ident

	// Package-wide state of the inserted code, declared once, at the
	// start of the package's first file (see declarePackageState).
	numSites  int       // per-site sampling states used so far
	classVars namedVars // lock class name -> its LockClass
	// import path of another package -> its runtime reference
	// (ReleaseUnless)
	pkgRefVars namedVars
	// unexactChans: a receive of the package could not be hooked
	// (runtime/hb_chan.go)
	unexactChans bool
}

// namedVars names the package variables that inserted code declares
// once per key (a lock class, another package), in the order first used.
type namedVars struct {
	names map[string]string
	order []string
}

// name returns the variable for key, made of prefix and a number.
func (v *namedVars) name(prefix, key string) string {
	if n, ok := v.names[key]; ok {
		return n
	}
	if v.names == nil {
		v.names = map[string]string{}
	}
	n := fmt.Sprintf("%s%d", prefix, len(v.order))
	v.names[key] = n
	v.order = append(v.order, key)
	return n
}

// A site is one inserted check, recorded for the tests.
type site struct {
	file string
	line int
	desc string
}

// fnState is what the walk of one function body (of a declaration or
// literal) learns about it.
type fnState struct {
	seq   int  // reserved edit order for the budget declaration
	needB bool // a statement-level site check uses the budget variable
}

// A fileRewriter rewrites one file.
type fileRewriter struct {
	*pkgRewriter
	file   *ast.File
	src    []byte
	buf    *editBuffer
	suffix string // makes per-file helper names unique in the package

	usedRT, usedUnsafe, needMH, needMHB, needID, needFirst, needMin, needClose bool
	needRecv, needEsc, needChv                                                 bool
	needPtrH, needElemH, needIndexH                                            bool
	exitKeep                                                                   string // "os.Exit" when calls were replaced

	funcName string   // enclosing function declaration, for lock classes
	fn       *fnState // innermost function body being walked

	// ignoreLines maps the lines whose statements a //gocsan:ignore
	// directive excludes: the line after a directive on a line of its
	// own, the directive's line when it trails code.
	ignoreLines map[int]bool

	// Redundant-check elimination (avail.go): the checks made by the
	// straight-line statements walked so far in the current statement
	// list; whether collectors created now may drop checks it covers;
	// whether the statement's own checks add to it.
	avail     *avail
	availOK   bool
	recording bool

	// hoisted holds the element accesses s[i] of range loops whose
	// checks one ranged check before the loop replaces (hoist.go).
	hoisted map[*ast.IndexExpr]bool

	warnings []string
	warned   map[string]bool
	sites    []site
}

func (p *pkgRewriter) newFile(f *ast.File, src []byte) *fileRewriter {
	h := fnv.New32a()
	h.Write([]byte(filepath.Base(p.fset.File(f.Pos()).Name())))
	r := &fileRewriter{
		pkgRewriter: p,
		file:        f,
		src:         src,
		buf:         newEditBuffer(src),
		suffix:      fmt.Sprintf("%08x", h.Sum32()),
		ignoreLines: map[int]bool{},
		warned:      map[string]bool{},
	}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if isDirective(c.Text, "//gocsan:ignore") {
				pos := p.fset.PositionFor(c.Pos(), false)
				lineStart := pos.Offset - (pos.Column - 1)
				if strings.TrimSpace(string(src[lineStart:pos.Offset])) == "" {
					r.ignoreLines[pos.Line+1] = true
				} else {
					r.ignoreLines[pos.Line] = true
				}
			}
		}
	}
	return r
}

func isDirective(comment, name string) bool {
	return comment == name || strings.HasPrefix(comment, name+" ")
}

func (r *fileRewriter) mhName() string    { return "__gocsan_mh_" + r.suffix }
func (r *fileRewriter) mhbName() string   { return "__gocsan_mhb_" + r.suffix }
func (r *fileRewriter) idName() string    { return "__gocsan_id_" + r.suffix }
func (r *fileRewriter) firstName() string { return "__gocsan_first_" + r.suffix }
func (r *fileRewriter) minName() string   { return "__gocsan_min_" + r.suffix }
func (r *fileRewriter) closeName() string { return "__gocsan_close_" + r.suffix }
func (r *fileRewriter) recvName() string  { return "__gocsan_recv_" + r.suffix }
func (r *fileRewriter) escName() string   { return "__gocsan_esc_" + r.suffix }
func (r *fileRewriter) chvName() string   { return "__gocsan_chv_" + r.suffix }

// sitesName is the package-wide array of per-site sampling states.
func (r *fileRewriter) sitesName() string { return "__gocsan_sites" }

func (r *fileRewriter) off(p token.Pos) int { return r.fset.File(p).Offset(p) }

// lineDir returns a /*line*/ comment restoring the original position of
// p (honouring the file's own //line directives, as in cgo output), so
// that the text after an insertion keeps its line and column.
func (r *fileRewriter) lineDir(p token.Pos) string {
	pos := r.fset.Position(p)
	return fmt.Sprintf("/*line %s:%d:%d*/", pos.Filename, pos.Line, pos.Column)
}

func (r *fileRewriter) warn(p token.Pos, msg string) {
	w := r.fset.Position(p).String() + ": gocsan: " + msg
	if !r.warned[w] {
		r.warned[w] = true
		r.warnings = append(r.warnings, w)
	}
}

func (r *fileRewriter) recordOne(p token.Pos, desc string) {
	pos := r.fset.Position(p)
	r.sites = append(r.sites, site{file: pos.Filename, line: pos.Line, desc: desc})
}

func (r *fileRewriter) record(checks []check) {
	for _, c := range checks {
		pos := r.fset.Position(c.pos)
		r.sites = append(r.sites, site{file: pos.Filename, line: pos.Line, desc: c.desc})
	}
}

// skipFunc reports whether a function's doc comment excludes it.
func skipFunc(doc *ast.CommentGroup) bool {
	if doc == nil {
		return false
	}
	for _, c := range doc.List {
		for _, d := range []string{"//go:norace", "//go:nosplit", "//gocsan:ignore"} {
			if isDirective(c.Text, d) {
				return true
			}
		}
	}
	return false
}

func (r *fileRewriter) rewrite() {
	for _, d := range r.file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Body == nil || skipFunc(d.Doc) || r.shadowed(d) {
				continue
			}
			r.funcName = d.Name.Name
			if d.Recv != nil && len(d.Recv.List) == 1 {
				if n, ok := types.Unalias(deref(r.info.TypeOf(d.Recv.List[0].Type))).(*types.Named); ok {
					r.funcName = n.Obj().Name() + "." + d.Name.Name
				}
			}
			if d.Recv == nil && d.Name.Name == "main" && r.file.Name.Name == "main" {
				r.usedRT = true
				after := d.Body.Lbrace + 1
				r.buf.open(r.off(after), " defer "+rtName+".MainExit(); "+r.lineDir(after))
			}
			r.funcBody(d.Body)
		case *ast.GenDecl:
			r.funcName = "init"
			// Function literals in package-level initializers run
			// like any function.
			ast.Inspect(d, func(n ast.Node) bool {
				if lit, ok := n.(*ast.FuncLit); ok {
					if !r.shadowed(lit) {
						r.funcLit(lit)
					}
					return false
				}
				return true
			})
		}
	}
}

func (r *fileRewriter) funcLit(lit *ast.FuncLit) { r.funcBody(lit.Body) }

// shadowed reports whether the function (declaration or package-level
// literal) n declares a predeclared name inserted code uses, which would
// not compile once rewritten: it is not instrumented, with a warning.
func (r *fileRewriter) shadowed(n ast.Node) bool {
	for _, id := range r.localShadows {
		if n.Pos() <= id.Pos() && id.Pos() < n.End() {
			r.warn(id.Pos(), "function redeclares predeclared "+id.Name+": function not instrumented")
			return true
		}
	}
	return false
}

// funcBody instruments the body of a function declaration or literal.
// When a statement-level check in it (not in a nested literal, which has
// its own) counts down the budget, the body starts by declaring it:
// first, so that no goto jumps over the declaration and every check
// follows it; per literal, shadowing the enclosing function's, so that
// no closure captures a budget variable (a captured variable lives in
// memory, shared by the goroutines running the closure).
func (r *fileRewriter) funcBody(b *ast.BlockStmt) {
	if b == nil {
		return
	}
	saved := r.fn
	fn := &fnState{seq: r.buf.reserve()}
	r.fn = fn
	r.block(b)
	r.fn = saved
	if fn.needB {
		after := b.Lbrace + 1
		r.buf.openSeq(fn.seq, r.off(after), " "+budgetName+" := "+rtName+".Budget(); "+r.lineDir(after))
	}
}

// stmtText returns the statement forms of checks joined, noting when
// they use the enclosing function's budget variable.
func (r *fileRewriter) stmtText(checks []check) string {
	var parts []string
	for _, k := range checks {
		parts = append(parts, k.stmt)
	}
	text := strings.Join(parts, "; ")
	if r.fn != nil && strings.Contains(text, budgetName) {
		r.fn.needB = true
	}
	return text
}

func (r *fileRewriter) block(b *ast.BlockStmt) {
	if b == nil {
		return
	}
	r.list(b.List)
}

// list instruments a statement list: a block of its own for redundant
// check elimination, which starts with nothing known.
func (r *fileRewriter) list(list []ast.Stmt) {
	saved, savedOK, savedRec := r.avail, r.availOK, r.recording
	r.avail = newAvail()
	for _, s := range list {
		r.stmt(s)
	}
	r.avail, r.availOK, r.recording = saved, savedOK, savedRec
}

// ignored reports whether a //gocsan:ignore directive on the line before
// s, or trailing the line s starts on, excludes it.
func (r *fileRewriter) ignored(s ast.Stmt) bool {
	return r.ignoreLines[r.fset.PositionFor(s.Pos(), false).Line]
}

// stmt instruments a statement of a statement list.
func (r *fileRewriter) stmt(s ast.Stmt) {
	if r.ignored(s) {
		r.avail.clear()
		return
	}
	if _, ok := s.(*ast.LabeledStmt); ok {
		// A jump target: nothing known from before holds there.
		r.avail.clear()
	}
	at := s.Pos()
	inner := s
	for {
		l, ok := inner.(*ast.LabeledStmt)
		if !ok {
			break
		}
		inner = l.Stmt
	}
	if inner != s {
		if r.ignored(inner) {
			r.avail.clear()
			return
		}
		switch inner.(type) {
		case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			// Checks go before the label: the label must stay on
			// the statement that break and continue name. A goto
			// to the label skips them, which only loses checks.
		default:
			at = inner.Pos()
		}
	}
	straight := r.straightLine(inner)
	r.availOK = straight || r.headerUsesAvail(inner)
	r.recording = straight
	r.stmtAt(inner, at)
	r.availOK, r.recording = false, false
	if straight {
		r.avail.forget(r.assignedLocals(inner))
	} else {
		r.avail.clear()
	}
}

// emitStmt inserts the collected checks as statements at p.
func (r *fileRewriter) emitStmt(p token.Pos, c *collector) {
	r.dropLate(r.placeAfterEvents(c))
	if len(c.checks) == 0 {
		return
	}
	r.buf.openSeq(c.seq, r.off(p), r.stmtText(c.checks)+"; "+r.lineDir(p))
	r.record(c.checks)
}

func boolForm(checks []check) string {
	var parts []string
	for _, k := range checks {
		parts = append(parts, k.boolean)
	}
	return strings.Join(parts, " && ")
}

// boolPrefix makes the boolean expression e run its checks first, each
// time it is evaluated: e becomes (checks && (e)), or, when e's type is
// not bool (a context made it a named boolean type), ((checks) == (0 == 0)
// && (e)). The
// comparison makes the checks an untyped boolean, so e keeps its type: an
// untyped e (a comparison, possibly converted to a named boolean type by
// its context) stays untyped, a typed e (bool or a named boolean type)
// keeps it. The constant names no predeclared identifier a package could
// redeclare.
func (r *fileRewriter) boolPrefix(e ast.Expr, c *collector) {
	r.dropLate(r.placeAfterEvents(c))
	if len(c.checks) == 0 {
		return
	}
	checks := boolForm(c.checks)
	if t := r.info.TypeOf(e); !types.Identical(t, types.Typ[types.Bool]) && !types.Identical(t, types.Typ[types.UntypedBool]) {
		checks = untypedTrue(checks)
	}
	r.buf.openSeq(c.seq, r.off(e.Pos()), checks+" && ("+r.lineDir(e.Pos()))
	r.buf.closeSeq(c.seq, r.off(e.End()), ")"+r.lineDir(e.End()))
	r.record(c.checks)
}

// untypedTrue returns the always-true boolean expression b as an untyped
// boolean (see boolPrefix).
func untypedTrue(b string) string { return "((" + b + ") == (0 == 0))" }

// valueWrap makes the expression e run its checks (those due before its
// events, see order.go) first, each time it is evaluated, through a
// per-file identity helper: e becomes first(checks, e). An untyped boolean e gets the form of boolPrefix, which
// keeps it untyped; other untyped operands cannot be wrapped (id would
// give them their default type) and are not instrumented.
func (r *fileRewriter) valueWrap(e ast.Expr, c *collector) {
	r.dropLate(r.placeAfterEvents(c))
	if k, ok := c.takeRelease(); ok && len(c.checks) > 0 {
		// After the checks (see wrapRelease); a Release alone would
		// come after e's calls, too late: callers place it before.
		c.checks = append(c.checks, k)
	}
	if len(c.checks) == 0 {
		return
	}
	if r.untyped(e) {
		if b, ok := r.info.TypeOf(e).Underlying().(*types.Basic); ok && b.Info()&types.IsBoolean != 0 {
			r.boolPrefix(e, c)
			return
		}
		r.warn(e.Pos(), "access in an untyped operand is not instrumented")
		return
	}
	if r.lang < 18 {
		r.warn(e.Pos(), "access in a switch expression after an init statement is not instrumented before go1.18")
		return
	}
	r.needFirst = true
	r.buf.openSeq(c.seq, r.off(e.Pos()), r.firstName()+"("+boolForm(c.checks)+", "+r.lineDir(e.Pos()))
	r.buf.closeSeq(c.seq, r.off(e.End()), ")"+r.lineDir(e.End()))
	r.record(c.checks)
}

// shortCircuit instruments y, the right operand of && or ||, which is
// evaluated only sometimes: its checks go inside it.
func (r *fileRewriter) shortCircuit(y ast.Expr) {
	c := r.collector()
	c.read(y)
	r.boolPrefix(y, c)
}

// simple collects the accesses of a simple statement.
func (r *fileRewriter) simple(s ast.Stmt, c *collector) {
	switch s := s.(type) {
	case *ast.ExprStmt:
		c.read(s.X)
	case *ast.SendStmt:
		c.read(s.Chan)
		c.read(s.Value)
		c.release(s.Pos())
	case *ast.IncDecStmt:
		c.write(s.X, kReadWrite)
	case *ast.AssignStmt:
		switch s.Tok {
		case token.DEFINE:
			for _, e := range s.Rhs {
				c.read(e)
			}
			for _, e := range s.Lhs {
				// A redeclared variable is assigned, a new one is
				// initialized and not yet visible to anyone.
				if id, ok := e.(*ast.Ident); ok && r.info.Defs[id] == nil {
					c.write(id, kWrite)
				}
			}
		case token.ASSIGN:
			for _, e := range s.Rhs {
				c.read(e)
			}
			for _, e := range s.Lhs {
				c.write(e, kWrite)
			}
		default:
			for _, e := range s.Rhs {
				c.read(e)
			}
			for _, e := range s.Lhs {
				c.write(e, kReadWrite)
			}
		}
	}
}

// stmtAt instruments s, inserting statement-form checks at p.
func (r *fileRewriter) stmtAt(s ast.Stmt, p token.Pos) {
	c := r.collector()
	c.record = r.recording
	switch s := s.(type) {
	case *ast.AssignStmt:
		r.simple(s, c)
		r.placeAfterStmt(s, r.placeAfterEvents(c))
	case *ast.ExprStmt:
		r.simple(s, c)
	case *ast.SendStmt, *ast.IncDecStmt:
		r.simple(s, c)
	case *ast.DeclStmt:
		if g, ok := s.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
			rel := r.firstRelease(g)
			for i, spec := range g.Specs {
				for _, v := range spec.(*ast.ValueSpec).Values {
					if i == 0 {
						c.read(v)
						continue
					}
					// A later spec of var (...) may use the
					// variables of earlier ones, which do not
					// exist before the statement: its checks go
					// into its value.
					vc := r.collector()
					vc.read(v)
					vc.wrapRelease(c, rel, v.Pos())
					if _, tuple := r.info.TypeOf(v).(*types.Tuple); tuple && len(vc.checks) > 0 {
						r.warn(v.Pos(), "access in a multi-value initializer of a var block is not instrumented")
						continue
					}
					r.valueWrap(v, vc)
				}
			}
		}
	case *ast.ReturnStmt:
		for _, e := range s.Results {
			seq := 0
			if r.isChan(e) {
				seq = r.buf.reserve()
			}
			c.read(e)
			if seq != 0 {
				// A channel returned may reach uninstrumented
				// code (a Done method a standard-library
				// context calls).
				r.escapeChan(e, seq)
			}
		}
	case *ast.GoStmt:
		c.deferred = true
		c.read(s.Call)
		// Starting a goroutine publishes what was written before.
		c.release(s.Pos())
	case *ast.DeferStmt:
		c.deferred = true
		c.isDefer = true
		c.read(s.Call)
	case *ast.BlockStmt:
		r.block(s)
	case *ast.IfStmt:
		r.ifStmt(s, p, false)
	case *ast.SwitchStmt:
		c.record = r.availOK // as for an if header
		if s.Init != nil {
			r.simple(s.Init, c)
		}
		// Tagged case values are wrapped after their calls: their
		// Releases go before the statement (wrapRelease).
		rel := token.NoPos
		if s.Tag != nil {
			rel = r.firstRelease(s.Init, s.Tag)
			for _, cl := range s.Body.List {
				for _, x := range cl.(*ast.CaseClause).List {
					if !rel.IsValid() {
						rel = r.firstRelease(x)
					}
				}
			}
		}
		if s.Tag != nil {
			if s.Init == nil {
				c.read(s.Tag)
			} else {
				tc := r.collector()
				tc.read(s.Tag)
				tc.wrapRelease(c, rel, s.Tag.Pos())
				r.valueWrap(s.Tag, tc)
			}
		}
		for _, cl := range s.Body.List {
			cc := cl.(*ast.CaseClause)
			for _, x := range cc.List {
				xc := r.collector()
				xc.read(x)
				if s.Tag == nil {
					r.boolPrefix(x, xc)
				} else {
					xc.wrapRelease(c, rel, x.Pos())
					r.valueWrap(x, xc)
				}
			}
		}
		if rel.IsValid() {
			// After the checks of the init and the tag.
			c.release(rel)
		}
		r.emitStmt(p, c)
		for _, cl := range s.Body.List {
			r.list(cl.(*ast.CaseClause).Body)
		}
		return
	case *ast.TypeSwitchStmt:
		if s.Init != nil {
			r.simple(s.Init, c)
		}
		var x ast.Expr
		switch a := s.Assign.(type) {
		case *ast.ExprStmt:
			x = a.X
		case *ast.AssignStmt:
			x = a.Rhs[0]
		}
		if ta, ok := unparen(x).(*ast.TypeAssertExpr); ok {
			if s.Init == nil {
				c.read(ta.X)
			} else {
				tc := r.collector()
				tc.read(ta.X)
				// Nothing is evaluated after the operand.
				tc.wrapRelease(c, token.NoPos, ta.X.Pos())
				r.valueWrap(ta.X, tc)
			}
		}
		r.emitStmt(p, c)
		for _, cl := range s.Body.List {
			r.list(cl.(*ast.CaseClause).Body)
		}
		return
	case *ast.SelectStmt:
		// All channel operands and sent values are evaluated on
		// entering the select.
		for _, cl := range s.Body.List {
			cc := cl.(*ast.CommClause)
			switch comm := cc.Comm.(type) {
			case *ast.SendStmt:
				c.read(comm.Chan)
				c.read(comm.Value)
				c.release(comm.Pos())
			case *ast.ExprStmt:
				if u, ok := unparen(comm.X).(*ast.UnaryExpr); ok {
					c.read(u.X)
					c.release(comm.Pos())
				}
			case *ast.AssignStmt:
				if u, ok := unparen(comm.Rhs[0]).(*ast.UnaryExpr); ok {
					c.read(u.X)
					c.release(comm.Pos())
				}
			}
		}
		r.emitStmt(p, c)
		tmp := r.chanTemp(p, len(s.Body.List))
		for k, cl := range s.Body.List {
			cc := cl.(*ast.CommClause)
			r.acquireCase(cc, tmp, k)
			if a, ok := cc.Comm.(*ast.AssignStmt); ok && a.Tok == token.ASSIGN {
				// The received values are assigned when the case
				// is chosen, before its body.
				wc := r.collector()
				for _, e := range a.Lhs {
					wc.write(e, kWrite)
				}
				r.emitStmt(cc.Colon+1, wc)
			}
			r.list(cc.Body)
		}
		return
	case *ast.ForStmt:
		if s.Init != nil {
			r.simple(s.Init, c)
		}
		r.emitStmt(p, c)
		if s.Cond != nil {
			cc := r.collector()
			cc.read(s.Cond)
			r.boolPrefix(s.Cond, cc)
		}
		if s.Post != nil {
			// The post statement cannot be preceded by a statement
			// and runs after every iteration: wrap it in a
			// function literal that is called at once.
			pc := r.collector()
			r.simple(s.Post, pc)
			r.dropLate(r.placeAfterEvents(pc))
			if len(pc.checks) > 0 {
				// Inside a function literal: the forms that do
				// not name the budget variable.
				var parts []string
				for _, k := range pc.checks {
					parts = append(parts, k.plain)
				}
				r.buf.openSeq(pc.seq, r.off(s.Post.Pos()), "func() { "+strings.Join(parts, "; ")+"; "+r.lineDir(s.Post.Pos()))
				r.buf.closeSeq(pc.seq, r.off(s.Post.End()), " }()"+r.lineDir(s.Post.End()))
				r.record(pc.checks)
			}
		}
		r.block(s.Body)
		return
	case *ast.RangeStmt:
		h := r.hoistRange(s)
		r.rangeStmt(s, c, h)
		r.emitStmt(p, c)
		if h != nil {
			r.emitHoist(p, s, h)
		}
		if s.Tok == token.ASSIGN {
			wc := r.collector()
			if s.Key != nil {
				wc.write(s.Key, kWrite)
			}
			if s.Value != nil {
				wc.write(s.Value, kWrite)
			}
			r.emitStmt(s.Body.Lbrace+1, wc)
		}
		r.block(s.Body)
		if _, ok := coreType(r.info.TypeOf(s.X)).(*types.Chan); ok {
			r.releaseEachIteration(s)
			r.acquireEachIteration(s, p)
		}
		return
	}
	r.emitStmt(p, c)
}

// acquireCase makes a receiving select case acquire its channel's close
// clock at the start of its body (runtime/hb_chan.go). The channel
// operand is evaluated again there: it must have no side effects and
// not depend on what the case assigns; otherwise closes of every channel
// publish (UnexactChannels).
func (r *fileRewriter) acquireCase(cc *ast.CommClause, tmp *chanTemp, k int) {
	var x ast.Expr
	var lhs []ast.Expr
	switch comm := cc.Comm.(type) {
	case *ast.ExprStmt:
		if u, ok := unparen(comm.X).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
			x = u.X
		}
	case *ast.AssignStmt:
		if u, ok := unparen(comm.Rhs[0]).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
			x, lhs = u.X, comm.Lhs
		}
	}
	if x == nil {
		return // a send or default
	}
	text, ok := r.exprText(x)
	// The case's targets must not be named in the operand: a new
	// variable would shadow it in the body, an assigned one change it.
	names := map[string]bool{}
	for _, l := range lhs {
		ast.Inspect(l, func(n ast.Node) bool {
			if id, isID := n.(*ast.Ident); isID {
				names[id.Name] = true
			}
			return true
		})
	}
	ast.Inspect(x, func(n ast.Node) bool {
		if id, isID := n.(*ast.Ident); isID && names[id.Name] {
			ok = false
		}
		return ok
	})
	ok = ok && r.pure(x)
	if !ok || strings.Contains(text, "\n") {
		text, ok = tmp.hold(x, k)
		if !ok {
			r.unexactChans = true
			return
		}
	}
	r.usedRT = true
	r.buf.open(r.off(cc.Colon+1), " "+rtName+".ChanAcquire("+text+"); "+r.lineDir(cc.Colon+1))
	r.recordOne(cc.Colon, "ChanAcquire")
}

// A chanTemp holds the channels of a select's or range loop's receives
// whose operands cannot be evaluated again: the operand x becomes
// chv(&tmp[k], x), which stores the channel as it is evaluated, and the
// acquire reads tmp[k]. The array is declared before the statement,
// named by its offset.
type chanTemp struct {
	r        *fileRewriter
	pos      token.Pos
	n        int
	declared bool
}

func (r *fileRewriter) chanTemp(pos token.Pos, n int) *chanTemp {
	return &chanTemp{r: r, pos: pos, n: n}
}

func (t *chanTemp) name() string { return "__gocsan_ch_" + strconv.Itoa(t.r.off(t.pos)) }

// hold wraps x to store its channel in element k and returns the text
// naming the element.
func (t *chanTemp) hold(x ast.Expr, k int) (string, bool) {
	r := t.r
	if r.lang < 18 {
		return "", false
	}
	if !t.declared {
		t.declared = true
		r.buf.open(r.off(t.pos), "var "+t.name()+" ["+strconv.Itoa(t.n)+"]any; "+r.lineDir(t.pos))
	}
	r.usedRT, r.needChv = true, true
	elem := t.name() + "[" + strconv.Itoa(k) + "]"
	r.buf.open(r.off(x.Pos()), r.chvName()+"(&"+elem+", "+r.lineDir(x.Pos()))
	r.buf.close(r.off(x.End()), ")"+r.lineDir(x.End()))
	return elem, true
}

// acquireEachIteration makes a range loop over a channel acquire the
// channel's close clock after each receive (runtime/hb_chan.go): at the
// start of the body and after the loop. The range expression is
// evaluated again there, so it must be a variable the loop does not
// assign; otherwise closes of every channel publish (UnexactChannels).
func (r *fileRewriter) acquireEachIteration(s *ast.RangeStmt, p token.Pos) {
	var text string
	id, ok := unparen(s.X).(*ast.Ident)
	if ok && r.info.Uses[id] != nil && !r.assignedIn(r.info.Uses[id], s.Body) {
		text = id.Name
	} else if text, ok = r.chanTemp(p, 1).hold(s.X, 0); !ok {
		r.unexactChans = true
		return
	}
	acq := rtName + ".ChanAcquire(" + text + ")"
	r.usedRT = true
	r.buf.open(r.off(s.Body.Lbrace+1), " "+acq+"; "+r.lineDir(s.Body.Lbrace+1))
	r.buf.open(r.off(s.End()), "; "+acq+r.lineDir(s.End()))
	r.recordOne(s.Body.Lbrace, "ChanAcquire")
}

// assignedIn reports whether obj is assigned (or its address taken) in n.
func (r *fileRewriter) assignedIn(obj types.Object, n ast.Node) bool {
	found := false
	is := func(e ast.Expr) bool {
		id, ok := unparen(e).(*ast.Ident)
		return ok && (r.info.Uses[id] == obj || r.info.Defs[id] == obj)
	}
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				found = found || is(l)
			}
		case *ast.RangeStmt:
			found = found || n.Key != nil && is(n.Key) || n.Value != nil && is(n.Value)
		case *ast.UnaryExpr:
			found = found || n.Op == token.AND && is(n.X)
		}
		return !found
	})
	return found
}

// isChan reports whether e is a channel value (not nil).
func (r *fileRewriter) isChan(e ast.Expr) bool {
	tv, ok := r.info.Types[e]
	if !ok || tv.IsNil() || tv.IsType() {
		return false
	}
	_, ok = coreType(tv.Type).(*types.Chan)
	return ok
}

// escapeChan wraps e, a channel, so that the channel is marked as
// escaped when e is evaluated (runtime/hb_chan.go); seq is the edit
// order reserved before e's operands were visited.
func (r *fileRewriter) escapeChan(e ast.Expr, seq int) {
	if r.lang < 18 {
		r.unexactChans = true
		return
	}
	r.usedRT, r.needEsc = true, true
	r.buf.openSeq(seq, r.off(e.Pos()), r.escName()+"("+r.lineDir(e.Pos()))
	r.buf.closeSeq(seq, r.off(e.End()), ")"+r.lineDir(e.End()))
	r.recordOne(e.Pos(), "ChanEscape")
}

// releaseEachIteration makes a range loop over a channel release before
// each receive after the first (rangeStmt releases before the loop): at
// the end of the body and before every continue statement of the loop.
func (r *fileRewriter) releaseEachIteration(s *ast.RangeStmt) {
	rel := r.hookCall("Release", "").plain
	var label types.Object // the loop's label, if it has one
	ast.Inspect(r.file, func(n ast.Node) bool {
		if ls, ok := n.(*ast.LabeledStmt); ok && ls.Stmt == s {
			label = r.info.Defs[ls.Label]
		}
		return label == nil
	})
	var visit func(n ast.Node, ours bool) bool
	visit = func(n ast.Node, ours bool) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BranchStmt:
			if n.Tok != token.CONTINUE {
				return false
			}
			if n.Label == nil && ours || n.Label != nil && label != nil && r.info.Uses[n.Label] == label {
				r.buf.open(r.off(n.Pos()), rel+"; "+r.lineDir(n.Pos()))
				r.recordOne(n.Pos(), "Release")
			}
			return false
		case *ast.ForStmt, *ast.RangeStmt:
			// An unlabeled continue inside targets the inner loop.
			ast.Inspect(n, func(m ast.Node) bool {
				if m == n {
					return true
				}
				return visit(m, false)
			})
			return false
		}
		return true
	}
	ast.Inspect(s.Body, func(n ast.Node) bool { return visit(n, true) })
	r.buf.open(r.off(s.Body.Rbrace), "; "+rel+"; "+r.lineDir(s.Body.Rbrace))
	r.recordOne(s.Body.Rbrace, "Release")
}

// untyped reports whether e is untyped in the source: go/types records
// the type its context converts it to (uint32 for the 0 in f(0) when f
// takes a uint32), but a generic helper called with e infers e's default
// type (int). Constants (typed ones too, conservatively), nil,
// comparisons and the operators applied only to untyped operands are
// untyped; so is a shift whose left operand is (its type comes from the
// context). Calls, receives and variables are typed.
func (r *fileRewriter) untyped(e ast.Expr) bool {
	tv, ok := r.info.Types[e]
	if !ok || tv.Value != nil || tv.IsNil() {
		return true
	}
	if b, ok := tv.Type.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		return true
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return r.untyped(e.X)
	case *ast.UnaryExpr:
		switch e.Op {
		case token.NOT, token.SUB, token.ADD, token.XOR:
			return r.untyped(e.X)
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			return true
		case token.SHL, token.SHR:
			return r.untyped(e.X)
		}
		return r.untyped(e.X) && r.untyped(e.Y)
	}
	return false
}

// rangeStmt collects the accesses of evaluating a range expression once,
// including the elements the loop reads (checked as one ranged read
// before the loop). When the loop's element accesses are hoisted as
// writes (h, see hoist.go), their ranged write check replaces that read.
func (r *fileRewriter) rangeStmt(s *ast.RangeStmt, c *collector, h *hoist) {
	valueUsed := r.rangeValueUsed(s)
	switch t := coreType(r.info.TypeOf(s.X)).(type) {
	case *types.Map:
		c.mapAccess(s.X, kRead, s.X.Pos())
	case *types.Slice:
		c.read(s.X)
		if valueUsed && (h == nil || !h.write) {
			c.sliceRange(s.X, t, kRead, "")
		}
	case *types.Array:
		if valueUsed {
			c.read(s.X)
		} else {
			c.addrOf(s.X)
		}
	case *types.Pointer:
		c.read(s.X)
		if valueUsed {
			c.deref(s.X, kRead, s.X.Pos())
		}
	case *types.Chan:
		// The first receive; releaseEachIteration adds the others.
		c.read(s.X)
		c.release(s.Pos())
	default:
		c.read(s.X)
	}
}

// ifStmt instruments an if statement; elseIf is set for the if of an
// "else if", which cannot be preceded by statements: its init checks go
// into a block wrapped around it.
func (r *fileRewriter) ifStmt(s *ast.IfStmt, p token.Pos, elseIf bool) {
	pre := r.collector()
	// What the header checks before the statement also covers what it
	// evaluates later (the right operands of && and ||, else-if
	// conditions): see avail.go.
	pre.record = r.availOK
	if s.Init != nil {
		r.simple(s.Init, pre)
	}
	cond := r.collector()
	cond.record = r.availOK
	cond.read(s.Cond)
	if s.Init == nil && !elseIf {
		r.dropLate(r.placeAfterEvents(cond))
		pre.checks = append(pre.checks, cond.checks...)
	} else {
		r.boolPrefix(s.Cond, cond)
	}
	if len(pre.checks) > 0 {
		if elseIf {
			r.buf.openSeq(pre.seq, r.off(s.Pos()), "{ "+r.stmtText(pre.checks)+"; "+r.lineDir(s.Pos()))
			r.buf.closeSeq(pre.seq, r.off(s.End()), " }"+r.lineDir(s.End()))
			r.record(pre.checks)
		} else {
			r.emitStmt(p, pre)
		}
	}
	r.block(s.Body)
	switch e := s.Else.(type) {
	case *ast.IfStmt:
		r.ifStmt(e, e.Pos(), true)
	case *ast.BlockStmt:
		r.block(e)
	}
}

// maybeExit replaces a reference to os.Exit (e, naming it through id) by
// the runtime's Exit, which flushes reports and applies the exit code.
func (r *fileRewriter) maybeExit(e ast.Expr, id *ast.Ident) {
	fn, ok := r.info.Uses[id].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "os" || fn.Name() != "Exit" {
		return
	}
	r.exitKeep = r.text(e)
	r.usedRT = true
	r.buf.replace(r.off(e.Pos()), r.off(e.End()), rtName+".Exit"+r.lineDir(e.End()))
}

// declarePackageState declares the package-wide variables inserted code
// uses (the sites array, the lock classes) at the start of this file, the
// package's first: package variables are initialized in declaration order,
// and a user variable whose initializer calls an instrumented function
// now depends on them. Declared after it, they would hold it back and
// change the package's initialization order.
func (r *fileRewriter) declarePackageState() {
	// The happens-before detector reports a race only when every frame
	// of both stacks is code it saw (runtime/hb_report.go): the
	// registration names the package as stacks do (p, p_test, main)
	// through a function literal of its own.
	decls := []string{"var _ = " + rtName + ".RegisterPackage(func() {}, " + strconv.Quote(r.pkg.Path()) + ")"}
	if r.numSites > 0 {
		decls = append(decls, "var "+r.sitesName()+" ["+strconv.Itoa(r.numSites)+"]"+rtName+".Site")
	}
	for _, class := range r.classVars.order {
		decls = append(decls, "var "+r.classVars.names[class]+" = "+rtName+".NewLockClass("+strconv.Quote(class)+")")
	}
	if r.unexactChans {
		decls = append(decls, "var _ = "+rtName+".UnexactChannels()")
	}
	for _, path := range r.pkgRefVars.order {
		decls = append(decls, "var "+r.pkgRefVars.names[path]+" = "+rtName+".PackageRef("+strconv.Quote(path)+")")
	}
	r.buf.open(r.off(r.importsEnd()), "; "+strings.Join(decls, "; "))
}

// importsEnd is the end of the file's last import declaration, or of its
// package clause: where inserted declarations go, on that line.
func (r *fileRewriter) importsEnd() token.Pos {
	end := r.file.Name.End()
	for _, d := range r.file.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			end = g.End()
		}
	}
	return end
}

// output returns the rewritten file.
func (r *fileRewriter) output() []byte {
	var tail []string
	// A helper is kept only when inserted text calls it: the map
	// helpers are needed by the forms placed (see hookCall).
	if r.needMH && r.buf.inserted(r.mhName()+"(") {
		tail = append(tail, "func "+r.mhName()+"(s *"+rtName+".Site, h uintptr) (*"+rtName+".Site, uintptr, uintptr) { if h == 0 { return s, 0, 0 }; return s, h, 8 }")
	}
	if r.needMHB && r.buf.inserted(r.mhbName()+"(") {
		tail = append(tail, "func "+r.mhbName()+"(s *"+rtName+".Site, h uintptr, b int32) (*"+rtName+".Site, uintptr, uintptr, int32) { if h == 0 { return s, 0, 0, b }; return s, h, 8, b }")
	}
	if r.needID {
		tail = append(tail, "func "+r.idName()+"[T any](v T, _ bool) T { return v }")
	}
	tail = append(tail, r.inlineHelpers()...)
	if r.needFirst {
		tail = append(tail, "func "+r.firstName()+"[T any](_ bool, v T) T { return v }")
	}
	if r.needClose {
		tail = append(tail, "func "+r.closeName()+"[C ~chan E | ~chan<- E, E any](c C) { "+rtName+".ChanClose(c); close(c) }")
	}
	if r.needRecv {
		tail = append(tail, "func "+r.recvName()+"[C any](c C) C { "+rtName+".ChanRecv(c); return c }")
	}
	if r.needChv {
		tail = append(tail, "func "+r.chvName()+"[C any](p *any, c C) C { *p = c; return c }")
	}
	if r.needEsc {
		tail = append(tail, "func "+r.escName()+"[C any](c C) C { "+rtName+".ChanEscape(c); return c }")
	}
	if r.needMin {
		tail = append(tail, "func "+r.minName()+"(a, b int) int { if a < b { return a }; return b }")
	}
	if r.exitKeep != "" {
		// Keeps the os import used when os.Exit was its only use.
		tail = append(tail, "var _ = "+r.exitKeep)
	}
	if len(tail) > 0 {
		r.buf.open(len(r.src), "\n"+strings.Join(tail, "\n")+"\n")
	}
	// Which imports the inserted text uses is read off the text itself:
	// a check may have been dropped after its operands were printed.
	body := r.buf.bytes()
	var imps []string
	if bytes.Contains(body, []byte(rtName+".")) {
		imps = append(imps, rtName+" "+strconv.Quote(runtimePath(r.cfg)))
	}
	if bytes.Contains(body, []byte(unsafeName+".")) {
		imps = append(imps, unsafeName+` "unsafe"`)
	}
	if len(imps) > 0 {
		// A separate import declaration on the line of the last
		// one (or of the package clause): no line moves, and cgo's
		// preamble stays attached to import "C".
		// Registered last but placed first at this offset: imports
		// must precede the package state declared here.
		r.buf.openSeq(0, r.off(r.importsEnd()), "; import ("+strings.Join(imps, "; ")+")")
		body = r.buf.bytes()
	}
	name := r.fset.File(r.file.Pos()).Name()
	return append([]byte("//line "+name+":1:1\n"), body...)
}
