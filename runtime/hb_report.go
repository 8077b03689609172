package runtime

import (
	"runtime"
	"sync/atomic"
	"unsafe"

	"github.com/gocsan/gocsan/runtime/record"
)

// Validating and reporting a candidate race of the happens-before
// detector. A candidate is an earlier recorded access x that the current
// access conflicts with and whose epoch the current goroutine does not
// know and x's goroutine did not publish. It is reported only if nothing
// gocsan cannot see could have ordered the two:
//
//   - no other goroutine (live, pending a lock, or removed) knows x's
//     epoch: it might have passed that knowledge on through code gocsan
//     does not see;
//   - neither access ran inside a callback from uninstrumented code (a
//     frame between the access and its goroutine's entry that gocsan did
//     not instrument): such code may synchronize before calling it and
//     after it returns, invisibly. The exceptions are the entries that
//     run their callback once per goroutine, testing.tRunner (a test's
//     function) and runtime.main (main.main); for the earlier access its
//     goroutine must still be inside that same callback.
//
// The checks are slow (the second one reads a traceback of all
// goroutines) and run only for candidates.

// instrumented holds the packages (as they appear in function names)
// that the rewriter instrumented, registered by their init.
var instrumented struct {
	mutex
	pkgs map[string]bool
}

// RegisterPackage is called by every instrumented package at
// initialization, with a function literal of the package (its name gives
// the package as it appears in stacks: main, p_test, the import path) and
// its import path (for ReleaseUnless).
func RegisterPackage(probe func(), path string) bool {
	if probe == nil {
		return false
	}
	PackageRef(path).instrumented.Store(true)
	// A func value points to its closure, whose first word is the code.
	pc := **(**uintptr)(unsafe.Pointer(&probe))
	name := ""
	if f := runtime.FuncForPC(pc); f != nil {
		name = f.Name()
	}
	if name == "" {
		return false
	}
	instrumented.Lock()
	if instrumented.pkgs == nil {
		instrumented.pkgs = map[string]bool{}
	}
	instrumented.pkgs[funcPackage(name)] = true
	instrumented.Unlock()
	return true
}

// funcPackage returns the package of a function name, type arguments
// (which may contain slashes) removed.
func funcPackage(fn string) string {
	if i := indexByte(fn, '['); i >= 0 {
		fn = fn[:i]
	}
	return packageOf(fn)
}

// A Package is the runtime's reference to a package that instrumented
// code calls: whether it is instrumented is known once the program's
// packages are initialized (each dependency before its importers).
type Package struct {
	// instrumented is stored by the package's RegisterPackage, during
	// initialization, before any importer's code runs; loaded by
	// ReleaseUnless.
	instrumented atomic.Bool
}

var packageRefs struct {
	mutex
	m map[string]*Package
}

// PackageRef returns the reference to the package at the import path.
func PackageRef(path string) *Package {
	packageRefs.Lock()
	defer packageRefs.Unlock()
	if packageRefs.m == nil {
		packageRefs.m = map[string]*Package{}
	}
	p := packageRefs.m[path]
	if p == nil {
		p = &Package{}
		packageRefs.m[path] = p
	}
	return p
}

// ReleaseUnless is Release before a call of another non-standard
// package, which is a barrier only if that package is not instrumented:
// its synchronization is then invisible, as the standard library's is.
func ReleaseUnless(p *Package) {
	if !p.instrumented.Load() {
		Release()
	}
}

func isInstrumented(fn string) bool {
	pkg := funcPackage(fn)
	instrumented.Lock()
	defer instrumented.Unlock()
	return instrumented.pkgs[pkg]
}

// onceEntries run the callback above them once per goroutine.
func onceEntry(fn string) bool { return fn == "testing.tRunner" || fn == "runtime.main" }

// callbackContext classifies a stack, top frame first, gocsan's frames
// removed: ok is false if a frame other than a once-entry at the bottom
// is uninstrumented; entry is set when the bottom is a once-entry.
func callbackContext(fns []string) (ok, entry bool) {
	if len(fns) == 0 {
		return false, false
	}
	for i, fn := range fns {
		if isInstrumented(fn) {
			continue
		}
		if i == len(fns)-1 && i > 0 && onceEntry(fn) {
			return true, true
		}
		return false, false
	}
	return true, false
}

// pcFunctions symbolizes a stack from the depot, top first, gocsan's own
// frames at the top and runtime.goexit removed.
func pcFunctions(pcs []uintptr) ([]string, []record.Frame) {
	var fns []string
	var frames []record.Frame
	it := runtime.CallersFrames(pcs)
	trimming := true
	for {
		f, more := it.Next()
		if f.Function != "" && f.Function != "runtime.goexit" && !(trimming && gocsanFrame(f.Function)) {
			trimming = false
			fns = append(fns, f.Function)
			frames = append(frames, record.Frame{Function: f.Function, File: f.File, Line: f.Line})
		}
		if !more {
			break
		}
	}
	return fns, frames
}

// hbCandidate validates the candidate race between x and the current
// access and reports it.
func hbCandidate(w *hbWorld, st *hbG, x *hbRec, addr, size uintptr, typ accessType) {
	if !hbKnownElsewhere(w, st, x) {
		hbReport(w, x, addr, size, typ)
	}
}

// hbKnownElsewhere reports whether some goroutine other than x's and the
// current one may know x's epoch.
func hbKnownElsewhere(w *hbWorld, st *hbG, x *hbRec) bool {
	s := int(x.slot)
	if w.dead.covers(s, x.epoch) {
		return true
	}
	for i := range w.tab {
		e := &w.tab[i]
		if e.goid.Load() <= 0 {
			continue
		}
		o := e.st.Load()
		if o == nil || o == st || o.goid == x.info.goid {
			continue
		}
		if o.clock.covers(s, x.epoch) {
			return true
		}
		for j := range o.pending {
			if a := o.pending[j].Load(); a != 0 {
				if so := w.syncObj(a, false); so != nil && so.clock.covers(s, x.epoch) {
					return true
				}
			}
		}
	}
	return false
}

func hbReport(w *hbWorld, x *hbRec, addr, size uintptr, typ accessType) {
	pcs := w.depot.stack(x.stack)
	fns, frames := pcFunctions(pcs)
	ok, entry := callbackContext(fns)
	if !ok {
		return
	}
	// The current access: its full stack, for the same check.
	cur := captureFull(addr, size, typ)
	var curFns []string
	for _, f := range cur.Stack {
		curFns = append(curFns, f.Function)
	}
	if ok, _ := callbackContext(curFns); !ok {
		return
	}
	if entry && !stillInEntry(x.info.goid, fns) {
		return
	}
	if hbw.Load() != w {
		return // reset meanwhile: the knowledge read may be incomplete
	}
	earlier := record.Access{
		Op:        opOf(map[bool]accessType{true: accessWrite}[x.write]),
		Addr:      uint64(x.addr),
		Size:      uint64(x.size),
		Goroutine: x.info.goid,
		CPU:       -1,
	}
	if f := x.info.createdBy; f != nil {
		earlier.CreatedBy = &record.Frame{Function: f.fn, File: f.file, Line: f.line}
		earlier.CreatorGoroutine = x.info.creator
	}
	earlier.Stack = reportFrames(frames)
	if len(cur.Stack) > maxStack() {
		cur.Stack = cur.Stack[:maxStack()]
	}
	count(HBRaces)
	emit(&record.Report{
		Kind:      record.KindDataRace,
		Accesses:  []record.Access{earlier, *cur},
		Detection: record.DetectedHappensBefore,
	})
}

// reportFrames is a symbolized stack as reports show it: cut at
// max_stack, file names without strip_path_prefix. It changes frames.
func reportFrames(frames []record.Frame) []record.Frame {
	if len(frames) > maxStack() {
		frames = frames[:maxStack()]
	}
	strip := ""
	if o := opts(); o != nil {
		strip = o.StripPathPrefix
	}
	for i := range frames {
		if strip != "" && hasPrefix(frames[i].File, strip) {
			frames[i].File = frames[i].File[len(strip):]
		}
	}
	return frames
}

// captureFull is captureAccess with every frame kept.
func captureFull(addr, size uintptr, typ accessType) *record.Access {
	a := &record.Access{Op: opOf(typ), Addr: uint64(addr), Size: uint64(size), CPU: -1}
	buf := make([]byte, 64<<10)
	n := runtime.Stack(buf, false)
	parseTraceback(string(buf[:n]), a, 1<<20)
	return a
}

// stillInEntry reports whether goroutine g is alive and still runs the
// callback of its once-entry that fns, a stack of g, ran in.
func stillInEntry(g int64, fns []string) bool {
	all := allStacks()
	i := index(all, "goroutine "+itoa(g)+" [")
	if i < 0 {
		return false
	}
	tb := all[i:]
	if j := index(tb, "\n\n"); j >= 0 {
		tb = tb[:j+1]
	}
	var now record.Access
	parseTraceback(tb, &now, 1<<20)
	n, m := len(fns), len(now.Stack)
	return n >= 2 && m >= 2 && now.Stack[m-1].Function == fns[n-1] && now.Stack[m-2].Function == fns[n-2]
}

// currentGInfo describes the calling goroutine for reports.
func currentGInfo() *hbGInfo {
	var a record.Access
	buf := make([]byte, 64<<10)
	n := runtime.Stack(buf, false)
	parseTraceback(string(buf[:n]), &a, 1)
	info := &hbGInfo{goid: a.Goroutine, creator: a.CreatorGoroutine}
	if a.Goroutine == 0 {
		info.goid = goid()
	}
	if f := a.CreatedBy; f != nil {
		info.createdBy = &hbFrame{fn: f.Function, file: f.File, line: f.Line}
	}
	return info
}
