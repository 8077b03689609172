package runtime

import (
	"runtime"
	"slices"
	"testing"

	"github.com/gocsan/gocsan/runtime/record"
)

// fpCallers, through visibleFrames, must see the stack runtime.Callers
// sees: the same functions, lines and order, inlined frames included,
// wrappers (testing's gowrap) elided, from any depth.
func TestFPCallersMatchCallers(t *testing.T) {
	for _, depth := range []int{0, 1, 5, 40, 58, 100} {
		var fp, rc []string
		fpcDeep(depth, func() {
			var a, b [hbMaxDepth]uintptr
			n, m := fpCallers(a[:]), runtime.Callers(1, b[:]) // one line: the same top frame
			fp = frameLines(shownFrames(a[:n]))
			rc = frameLines(shownFrames(b[:m]))
			if got, want := frameLines(shownFrames(b[:m])), frameLines(pcFrames(b[:m])); !slices.Equal(got, want) {
				t.Errorf("shownFrames drops frames of runtime.Callers other than runtime.goexit:\n%q\n%q", got, want)
			}
		})
		if len(fp) == 0 || !slices.Equal(fp, rc) {
			t.Errorf("depth %d: frame pointers give\n%q\nruntime.Callers gives\n%q", depth, fp, rc)
		}
	}
}

//go:noinline
func fpcDeep(n int, f func()) {
	if n == 0 {
		f()
		return
	}
	fpcDeep(n-1, f)
}

func frameLines(frames []record.Frame) []string {
	var out []string
	for _, f := range frames {
		out = append(out, f.Function+":"+itoa(int64(f.Line)))
	}
	return out
}

// pcFrames is every frame of pcs but runtime.goexit.
func pcFrames(pcs []uintptr) []record.Frame {
	var out []record.Frame
	it := runtime.CallersFrames(pcs)
	for {
		f, more := it.Next()
		if f.Function != "runtime.goexit" {
			out = append(out, record.Frame{Function: f.Function, File: f.File, Line: f.Line})
		}
		if !more {
			break
		}
	}
	return out
}
