package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestVersionAgrees checks that the link-time version (what the image
// and the GitHub Action set with -X main.version) is what gocsan
// version prints and what SARIF names as the tool's version.
func TestVersionAgrees(t *testing.T) {
	defer func(old string) { version = old }(version)
	version = "v1.2.3-test"

	var out, errb bytes.Buffer
	if code := versionMain(nil, &out, &errb); code != 0 {
		t.Fatalf("gocsan version: exit %d, %s", code, errb.String())
	}
	if line := out.String(); !strings.HasPrefix(line, "gocsan v1.2.3-test (go") || !strings.HasSuffix(line, ")\n") {
		t.Errorf("gocsan version = %q, want gocsan v1.2.3-test (go...)", line)
	}
	if code := versionMain([]string{"extra"}, &out, &errb); code != 2 {
		t.Errorf("gocsan version extra: exit %d, want 2", code)
	}

	out.Reset()
	errb.Reset()
	if code := reportMain([]string{"-format=sarif", "-"}, strings.NewReader(""), &out, &errb, func(string) string { return "" }); code != 0 {
		t.Fatalf("gocsan report -format=sarif: exit %d, %s", code, errb.String())
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Name, Version string }
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatalf("SARIF: %v\n%s", err, out.String())
	}
	if len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Version != "v1.2.3-test" {
		t.Errorf("SARIF runs = %+v, want one run with tool version v1.2.3-test", log.Runs)
	}
}
