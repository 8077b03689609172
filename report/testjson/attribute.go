package testjson

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gocsan/gocsan/report"
)

// Attribute returns the package and the top-level test a report belongs
// to. It looks, in order:
//
//  1. in the watcher's stack, then the other accesses' stacks, for the
//     test function testing.tRunner called (pkg.TestXxx, or a closure
//     pkg.TestXxx.funcN for a subtest), or failing that any frame of a
//     test function (stacks are cut at max_stack frames);
//  2. at the go statements that created those goroutines: a goroutine
//     started by a test belongs to it even after the test returned;
//  3. at the Test field the test driver may have filled in.
//
// Subtests are attributed to their top-level test: a stack does not
// show a subtest's name. Tests of an external test package (pkg_test)
// are attributed to pkg, as go test -json names them. When nothing
// matches, test is "" and pkg is the report's package.
func Attribute(r *report.Report) (pkg, test string) {
	pkg, test, _ = attribute(r)
	return pkg, test
}

// attribute is Attribute that also says how: "stack", "creator" or "".
func attribute(r *report.Report) (pkg, test, how string) {
	order := make([]report.Access, 0, len(r.Accesses))
	for i := len(r.Accesses) - 1; i >= 0; i-- {
		order = append(order, r.Accesses[i])
	}
	for _, a := range order {
		if p, t, ok := fromStack(a.Stack); ok {
			return p, t, "stack"
		}
	}
	for _, a := range order {
		if a.CreatedBy != nil {
			if p, t, ok := testFrame(*a.CreatedBy); ok {
				return p, t, "creator"
			}
		}
	}
	pkg = trimTestSuffix(r.Package)
	if pkg == "" && len(order) > 0 {
		pkg, _ = splitFunc(order[0].Top().Function)
		pkg = trimTestSuffix(pkg)
	}
	if r.Test != "" {
		return pkg, r.Test, "driver"
	}
	return pkg, "", ""
}

func fromStack(stack []report.Frame) (pkg, test string, ok bool) {
	for i, f := range stack {
		if f.Function == "testing.tRunner" && i > 0 {
			if p, t, ok := testFrame(stack[i-1]); ok {
				return p, t, true
			}
		}
	}
	// Outermost first: nearest to where tRunner would have been.
	for i := len(stack) - 1; i >= 0; i-- {
		if p, t, ok := testFrame(stack[i]); ok {
			return p, t, true
		}
	}
	return "", "", false
}

// testFrame reports whether f is a test function or a closure in one.
func testFrame(f report.Frame) (pkg, test string, ok bool) {
	pkg, local := splitFunc(f.Function)
	if pkg == "" || pkg == "testing" || strings.HasPrefix(pkg, "testing/") {
		return "", "", false
	}
	name, _, _ := strings.Cut(local, ".")
	for _, prefix := range []string{"Test", "Fuzz", "Benchmark", "Example"} {
		if isTest(name, prefix) {
			return trimTestSuffix(pkg), name, true
		}
	}
	return "", "", false
}

// isTest is the go command's rule (cmd/go/internal/load/test.go): the
// name after the prefix must not start with a lower-case letter.
func isTest(name, prefix string) bool {
	if !strings.HasPrefix(name, prefix) {
		return false
	}
	if len(name) == len(prefix) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(name[len(prefix):])
	return !unicode.IsLower(r)
}

// splitFunc splits a fully qualified Go function name
// ("example.com/a.b/c.(*T).M") into its package path and the rest.
func splitFunc(fn string) (pkg, local string) {
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return "", fn
	}
	return fn[:slash+1+dot], fn[slash+1+dot+1:]
}

func trimTestSuffix(pkg string) string {
	return strings.TrimSuffix(pkg, "_test")
}
