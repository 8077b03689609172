package instrument

import (
	"os"
	"testing"
)

// TestSelfHost instruments this package (code and tests) with itself,
// vets the result and runs the fast tests of the instrumented rewriter:
// real, varied code that must compile, pass vet and behave the same.
func TestSelfHost(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an instrumented test binary")
	}
	if os.Getenv("GOCSAN_SELFHOST") != "" {
		t.Skip("already running instrumented")
	}
	ov := overlay(t, ".")
	goCmd(t, "vet", "-overlay", ov, ".")
	cmd := []string{"test", "-count=1", "-short", "-overlay", ov, "-run", "TestWant|TestEditBuffer|TestGolden|TestExactPositions|TestBadInput", "."}
	t.Setenv("GOCSAN_SELFHOST", "1")
	out := goCmd(t, cmd...)
	t.Logf("%s", out)
}
