package instrument

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestPoolRelease runs a program that hands an object from one goroutine
// to another through a sync.Pool, with every access watched and kept in
// flight by the reordering model: the Release before the call of
// sync.Pool.Put (standard library, not instrumented) must end the putting
// goroutine's read before the other goroutine gets the object and writes
// it. Without it, gocsan reports a race with a reordered read.
func TestPoolRelease(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	bin := buildRewritten(t, "testdata/run/pool")
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "GOCSAN=skip=1 delay=1ms delay_budget=0 reorder=1 reorder_window=1s")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "unexpected report") || !strings.Contains(string(out), "pool 30") {
		t.Errorf("err %v, output:\n%s", err, out)
	}
}
