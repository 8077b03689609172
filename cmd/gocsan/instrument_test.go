package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstrumentCommand prints a package as gocsan instrument does, from
// a package pattern (go list, export data) and from file arguments, and
// writes an overlay.
func TestInstrumentCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	units, err := listPackageUnits("github.com/gocsan/gocsan/instrument/testdata/want/syncs", false)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, u := range units {
			if u.cleanup != nil {
				u.cleanup()
			}
		}
	}()
	if len(units) != 1 || len(units[0].files) != 1 || units[0].cfg.ImportCfg == "" {
		t.Fatalf("units %+v", units)
	}
	var stdout, stderr bytes.Buffer
	if err := printInstrumented(&stdout, &stderr, units[0]); err != nil {
		t.Fatal(err)
	}
	out := stdout.String()
	file := units[0].files[0]
	for _, want := range []string{
		"// gocsan instrument: " + file + "\n//line " + file + ":1:1\n",
		`__gocsan.Lock(uintptr(__gocsan_unsafe.Pointer(&(global))), __gocsan_lc_`,
		`__gocsan.NewLockClass("github.com/gocsan/gocsan/instrument/testdata/want/syncs.Cache.mu")`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// File arguments, type-checked from the file's directory.
	stdout.Reset()
	fileUnit := instrumentUnit{files: []string{file}}
	if err := printInstrumented(&stdout, &stderr, fileUnit); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "__gocsan.Release()") {
		t.Errorf("file output lacks Release:\n%s", stdout.String())
	}

	// -overlay: rewritten files and a go command overlay naming them.
	dir := t.TempDir()
	replace := map[string]string{}
	if err := writeInstrumented(&stderr, units[0], dir, replace); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(file)
	src, err := os.ReadFile(replace[abs])
	if err != nil || !bytes.Contains(src, []byte("__gocsan.Unlock(")) {
		t.Errorf("overlay file for %s: %v\n%s", abs, err, src)
	}
	if _, err := json.Marshal(replace); err != nil {
		t.Fatal(err)
	}
	if code := runInstrument(nil); code != 2 {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
}
