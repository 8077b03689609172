package testjson

import (
	"regexp"
	"strings"
)

// RaceMessage is what a test binary built by gocsan test (like go test
// -race) prints for a test during which a race was reported.
const RaceMessage = "race detected during execution of test"

// OutsideMessage is what such a binary prints when a race was reported
// outside any test and it would otherwise have exited 0.
const OutsideMessage = "testing: race detected outside of test execution"

// separator opens and closes the KCSAN text of a report.
const separator = "=================================================================="

// packageFail is go test's last line for a package whose test binary
// ran and failed ("FAIL\tpkg\t0.123s"); a build or setup failure ends
// differently ("FAIL\tpkg [build failed]").
var packageFail = regexp.MustCompile(`^FAIL\t\S+\t[0-9.]+s$`)

// A Failure is a failed test, or a failed package when Test is empty.
type Failure struct{ Package, Test string }

func (f Failure) String() string {
	if f.Test == "" {
		return f.Package
	}
	return f.Package + "." + f.Test
}

// Unexplained returns the failures in a go test -json stream that
// races do not explain, in stream order, and how many failures (tests
// and packages) there were in all. A
// failed test is explained when its output is the binary's RaceMessage
// and go test's framing lines (=== RUN, --- FAIL) and nothing else, or
// nothing but framing while a subtest failed; a failed package when its
// own output is framing only (FAIL lines, exit status 1, OutsideMessage)
// and it had a failed test or reported a race outside tests. Anything
// else (a failed assertion, a panic, a build failure, a silent
// os.Exit(1)) is unexplained. Race events that gocsan merged into the
// stream are skipped.
func Unexplained(events []Event) (unexplained []Failure, failures int) {
	type testState struct {
		out      []string
		inRace   bool
		subFails bool
	}
	tests := map[[2]string]*testState{}
	get := func(pkg, test string) *testState {
		k := [2]string{pkg, test}
		s := tests[k]
		if s == nil {
			s = &testState{}
			tests[k] = s
		}
		return s
	}
	failedIn := map[string]bool{}
	for _, e := range events {
		if e.Package == "" {
			continue // build events: a failed build fails its package
		}
		s := get(e.Package, e.Test)
		switch e.Action {
		case "run":
			*s = testState{}
		case "output":
			switch {
			case e.Gocsan != nil:
				s.inRace = true
			case s.inRace:
				s.inRace = strings.TrimSpace(e.Output) != separator
			default:
				s.out = append(s.out, strings.Split(strings.TrimSuffix(e.Output, "\n"), "\n")...)
			}
		case "fail":
			failures++
			explained := false
			if e.Test != "" {
				explained = testExplained(s.out, e.Test, s.subFails)
				failedIn[e.Package] = true
				if i := strings.LastIndexByte(e.Test, '/'); i > 0 {
					get(e.Package, e.Test[:i]).subFails = true
				}
			} else {
				explained = packageExplained(s.out, failedIn[e.Package])
			}
			if !explained {
				unexplained = append(unexplained, Failure{e.Package, e.Test})
			}
		}
	}
	return unexplained, failures
}

func testExplained(out []string, name string, subFails bool) bool {
	sawRace := false
	for _, line := range out {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasSuffix(t, ": "+RaceMessage):
			sawRace = true
		case t == "", strings.HasPrefix(t, "=== "), strings.HasPrefix(t, "--- FAIL: "+name+" "):
		default:
			return false
		}
	}
	return sawRace || subFails
}

func packageExplained(out []string, testFailed bool) bool {
	outside := false
	for _, line := range out {
		t := strings.TrimSpace(line)
		switch {
		case t == OutsideMessage:
			outside = true
		case t == "", t == "FAIL", t == "exit status 1", packageFail.MatchString(t):
		default:
			return false
		}
	}
	return testFailed || outside
}
