package runtime_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// closureNamed is the runtime's import closure apart from the internal/*
// packages that runtime and sync/atomic bring with them: each entry is
// justified in docs/engine.md ("Import closure"), and the set must match
// exactly, so that an entry that is no longer needed goes from the list
// and the document too.
var closureNamed = []string{
	"github.com/gocsan/gocsan/runtime",
	"github.com/gocsan/gocsan/runtime/record",
	"math/bits",
	"runtime",
	"sync/atomic",
	"unsafe",
}

// The engine's import closure (docs/engine.md, "Import closure"): on the
// platforms where it makes its own system calls, the runtime depends on
// exactly closureNamed and the internal/* dependencies of runtime and
// sync/atomic. Every other standard-library package can then be
// instrumented without an import cycle. This test keeps it so.
func TestImportClosure(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	const self = "github.com/gocsan/gocsan/runtime"
	for _, arch := range []string{"amd64", "arm64"} {
		internal := map[string]bool{}
		for _, p := range goList(t, arch, "runtime", "sync/atomic") {
			if strings.HasPrefix(p, "internal/") {
				internal[p] = true
			}
		}
		var named, extra []string
		for _, p := range goList(t, arch, self) {
			switch {
			case internal[p]:
			case slices.Contains(closureNamed, p):
				named = append(named, p)
			default:
				extra = append(extra, p)
			}
		}
		if len(extra) > 0 {
			t.Errorf("linux/%s: the runtime imports %s, outside its closure (add to closureNamed only with a reason in docs/engine.md)", arch, strings.Join(extra, ", "))
		}
		if !slices.Equal(named, closureNamed) {
			t.Errorf("linux/%s: the runtime's closure has %v of %v; drop what it no longer needs from closureNamed and docs/engine.md", arch, named, closureNamed)
		}
	}
}

func goList(t *testing.T, arch string, pkgs ...string) []string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-deps"}, pkgs...)...)
	cmd.Env = append(cmd.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", strings.Join(pkgs, " "), err)
	}
	list := strings.Fields(string(out))
	slices.Sort(list)
	return list
}
