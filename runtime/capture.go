package runtime

import (
	"runtime"
	"sync/atomic"

	"github.com/gocsan/gocsan/runtime/record"
)

// Stacks, goroutine ids and creation sites all come from runtime.Stack:
// its text is the only public source of a goroutine's id and of the go
// statement that created it ("created by ... in goroutine N"). It costs
// microseconds, so it runs only in the slow paths, never per access.

// stackBuf keeps one traceback buffer for reuse: taken with Swap, so
// that concurrent captures each get their own (the others allocate).
var stackBuf atomic.Pointer[[]byte]

// captureAccess describes the current goroutine's access for a report,
// with its stack trimmed of gocsan's own frames.
func captureAccess(addr, size uintptr, typ accessType) *record.Access {
	a := &record.Access{
		Op:        opOf(typ),
		Marked:    typ&accessAtomic != 0,
		Assert:    typ&accessAssert != 0,
		Reordered: typ&accessScoped != 0,
		Addr:      uint64(addr),
		Size:      uint64(size),
		CPU:       -1,
	}
	bp := stackBuf.Swap(nil)
	if bp == nil {
		b := make([]byte, 16<<10)
		bp = &b
	}
	n := runtime.Stack(*bp, false)
	parseTraceback(string((*bp)[:n]), a, maxStack())
	stackBuf.Store(bp)
	return a
}

func maxStack() int {
	if o := opts(); o != nil {
		return o.MaxStack
	}
	return 64
}

func opOf(typ accessType) record.Op {
	switch {
	case typ&accessCompound != 0:
		return record.OpReadWrite
	case typ&accessWrite != 0:
		return record.OpWrite
	}
	return record.OpRead
}

// gocsanFrame reports whether fn is part of gocsan's engine or public API
// and so is trimmed from the top of stacks (KCSAN skips its "kcsan_"
// frames the same way). Test packages (runtime_test, sanitizer_test) are
// user code.
func gocsanFrame(fn string) bool {
	return hasPrefix(fn, "github.com/gocsan/gocsan/runtime.") ||
		hasPrefix(fn, "github.com/gocsan/gocsan/sanitizer.")
}

// parseTraceback fills a's goroutine id, stack and creation site from one
// goroutine's runtime.Stack text:
//
//	goroutine 7 [running]:
//	main.writer(0xc000012345)
//		/src/main.go:12 +0x1d
//	created by main.main in goroutine 1
//		/src/main.go:29 +0x55
func parseTraceback(tb string, a *record.Access, max int) {
	strip := ""
	if o := opts(); o != nil {
		strip = o.StripPathPrefix
	}
	lines := splitLines(tb)
	if len(lines) > 0 {
		a.Goroutine = parseGoid(lines[0])
	}
	trimming := true
	for i := 1; i < len(lines); i++ {
		line := lines[i]
		if line == "" || line[0] == '\t' {
			continue
		}
		var file string
		var lineNo int
		if i+1 < len(lines) && len(lines[i+1]) > 0 && lines[i+1][0] == '\t' {
			file, lineNo = parseFileLine(lines[i+1][1:])
			if strip != "" && hasPrefix(file, strip) {
				file = file[len(strip):]
			}
		}
		if hasPrefix(line, "created by ") {
			fn, gor, _ := cut(line[len("created by "):], " in goroutine ")
			a.CreatedBy = &record.Frame{Function: fn, File: file, Line: lineNo}
			id, _ := atoi(trimSpace(gor))
			a.CreatorGoroutine = int64(id)
			continue
		}
		fn := line
		if j := lastIndexByte(line, '('); j > 0 {
			fn = line[:j]
		} else {
			continue // "...additional frames elided..."
		}
		if trimming && gocsanFrame(fn) {
			continue
		}
		trimming = false
		if len(a.Stack) < max {
			a.Stack = append(a.Stack, record.Frame{Function: fn, File: file, Line: lineNo})
		}
	}
}

// splitLines splits s at every newline, as strings.Split(s, "\n").
func splitLines(s string) []string {
	var lines []string
	for {
		i := indexByte(s, '\n')
		if i < 0 {
			return append(lines, s)
		}
		lines = append(lines, s[:i])
		s = s[i+1:]
	}
}

func parseGoid(first string) int64 {
	if !hasPrefix(first, "goroutine ") {
		return 0
	}
	rest := first[len("goroutine "):]
	if j := indexByte(rest, ' '); j >= 0 {
		rest = rest[:j]
	}
	id, _ := atoi(rest)
	return int64(id)
}

// parseFileLine splits "/src/main.go:12 +0x1d".
func parseFileLine(s string) (string, int) {
	if j := lastIndex(s, " +0x"); j >= 0 {
		s = s[:j]
	}
	j := lastIndexByte(s, ':')
	if j < 0 {
		return s, 0
	}
	n, ok := atoi(s[j+1:])
	if !ok {
		return s, 0
	}
	return s[:j], n
}

// Per-goroutine disabling, KCSAN's kcsan_disable_current: a count per
// goroutine id, consulted only in the slow paths and only while some
// goroutine has disabled checking.
var (
	disabledAny atomic.Int32
	disabledMu  mutex
	disabledBy  = map[int64]int{}
)

// DisableCurrent stops the current goroutine from setting up or hitting
// watchpoints until the matching EnableCurrent. Calls nest.
func DisableCurrent() {
	id := goid()
	disabledMu.Lock()
	disabledBy[id]++
	disabledMu.Unlock()
	disabledAny.Add(1)
}

// EnableCurrent undoes one DisableCurrent; an unbalanced call panics, as
// KCSAN warns on "Unbalanced kcsan_enable_current()".
func EnableCurrent() {
	id := goid()
	disabledMu.Lock()
	n := disabledBy[id]
	if n == 0 {
		disabledMu.Unlock()
		panic("gocsan: unbalanced EnableCurrent")
	}
	if n == 1 {
		delete(disabledBy, id)
	} else {
		disabledBy[id] = n - 1
	}
	disabledMu.Unlock()
	disabledAny.Add(-1)
}

func disabledForCurrent() bool {
	if disabledAny.Load() == 0 {
		return false
	}
	id := goid()
	disabledMu.Lock()
	n := disabledBy[id]
	disabledMu.Unlock()
	return n > 0
}
