package racy

import (
	"runtime"
	"strings"
	"testing"
)

// callerName is the function n frames above its caller.
func callerName(n int) string {
	pc, _, _, ok := runtime.Caller(n + 1)
	if !ok {
		return ""
	}
	return runtime.FuncForPC(pc).Name()
}

// TestCallerDepth checks fixed runtime.Caller depths, as logging
// libraries' tests do (zap's caller tests): the test function is called
// by the testing package directly, under gocsan as under go test -race.
func TestCallerDepth(t *testing.T) {
	if got := callerName(0); got != "example.com/racy.TestCallerDepth" {
		t.Errorf("Caller(1) from a helper = %s, want the test function", got)
	}
	if got := callerName(1); !strings.HasPrefix(got, "testing.") {
		t.Errorf("Caller(2) from a helper = %s, want the testing package's test runner", got)
	}
	t.Run("sub", func(t *testing.T) {
		if got := callerName(1); !strings.HasPrefix(got, "testing.") {
			t.Errorf("subtest's caller = %s, want the testing package's test runner", got)
		}
	})
}
