package testjson

import (
	"fmt"
	"strings"
	"testing"
)

func out(pkg, test string, lines ...string) []Event {
	var es []Event
	for _, l := range lines {
		es = append(es, Event{Action: "output", Package: pkg, Test: test, Output: l + "\n"})
	}
	return es
}

// failed is one run of a test that printed lines and failed.
func failed(pkg, test string, lines ...string) []Event {
	es := []Event{{Action: "run", Package: pkg, Test: test}}
	es = append(es, out(pkg, test, "=== RUN   "+test)...)
	es = append(es, out(pkg, test, lines...)...)
	es = append(es, out(pkg, test, "--- FAIL: "+test+" (0.01s)")...)
	return append(es, Event{Action: "fail", Package: pkg, Test: test})
}

func pkgFail(pkg string, lines ...string) []Event {
	return append(out(pkg, "", lines...), Event{Action: "fail", Package: pkg})
}

func concat(parts ...[]Event) []Event {
	var es []Event
	for _, p := range parts {
		es = append(es, p...)
	}
	return es
}

func TestUnexplained(t *testing.T) {
	const p = "example.com/m"
	const raced = "    testing.go:1712: " + RaceMessage
	end := []string{"FAIL", "FAIL\t" + p + "\t0.123s"}
	raceEvents := concat(
		[]Event{{Action: "output", Package: p, Output: separator + "\n", Gocsan: &Race{Kind: "data-race"}}},
		out(p, "", "BUG: KCSAN: data-race in example.com/m.f / example.com/m.g", "", "write to 0x1 of 8 bytes by goroutine 7:", separator),
	)
	for _, c := range []struct {
		name     string
		events   []Event
		want     string // the unexplained failures, comma-separated
		failures int
	}{
		{"race only", concat(failed(p, "TestA", raced), pkgFail(p, end...)), "", 2},
		{"failed assertion", concat(failed(p, "TestA", "    a_test.go:3: wrong answer"), pkgFail(p, end...)), p + ".TestA", 2},
		{"failed assertion besides the race", concat(failed(p, "TestA", raced, "    a_test.go:3: wrong answer"), pkgFail(p, end...)), p + ".TestA", 2},
		{"silent t.Fail", concat(failed(p, "TestA"), pkgFail(p, end...)), p + ".TestA", 2},
		{"subtest failed by a race", concat(
			[]Event{{Action: "run", Package: p, Test: "TestA"}},
			failed(p, "TestA/sub", raced),
			[]Event{{Action: "fail", Package: p, Test: "TestA"}},
			pkgFail(p, end...)), "", 3},
		{"subtest failed by an assertion", concat(
			[]Event{{Action: "run", Package: p, Test: "TestA"}},
			failed(p, "TestA/sub", "    a_test.go:9: no"),
			[]Event{{Action: "fail", Package: p, Test: "TestA"}},
			pkgFail(p, end...)), p + ".TestA/sub", 3},
		{"race after the tests", pkgFail(p, append([]string{OutsideMessage}, end...)...), "", 1},
		{"merged race events are skipped", concat(failed(p, "TestA", raced), raceEvents, pkgFail(p, end...)), "", 2},
		{"panic", concat(failed(p, "TestA", raced), pkgFail(p, append([]string{"panic: boom", "goroutine 1 [running]:"}, end...)...)), p, 2},
		{"silent os.Exit(1)", pkgFail(p, "FAIL", "exit status 1", "FAIL\t"+p+"\t0.01s"), p, 1},
		{"build failure", pkgFail(p, "FAIL\t"+p+" [build failed]"), p, 1},
		{"an earlier run's log does not count", concat(
			[]Event{{Action: "run", Package: p, Test: "TestA"}},
			out(p, "TestA", "=== RUN   TestA", "    a_test.go:5: some log", "--- PASS: TestA (0.00s)"),
			[]Event{{Action: "pass", Package: p, Test: "TestA"}},
			failed(p, "TestA", raced),
			pkgFail(p, end...)), "", 2},
		{"nothing failed", []Event{{Action: "run", Package: p, Test: "TestA"}, {Action: "pass", Package: p, Test: "TestA"}, {Action: "pass", Package: p}}, "", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, n := Unexplained(c.events)
			var names []string
			for _, f := range got {
				names = append(names, fmt.Sprint(f))
			}
			if strings.Join(names, ",") != c.want || n != c.failures {
				t.Errorf("Unexplained = %v, %d failures; want [%s], %d", names, n, c.want, c.failures)
			}
		})
	}
}
