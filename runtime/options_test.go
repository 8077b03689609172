package runtime

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestParseOptions(t *testing.T) {
	o, err := ParseOptions(DefaultOptions(), "skip=1 delay=2ms unknown_origin=0 ignore=a/b,c.F")
	if err != nil {
		t.Fatal(err)
	}
	if o.Skip != 1 || o.Delay != 2*Millisecond || o.UnknownOrigin || len(o.Ignore) != 2 {
		t.Errorf("parsed %+v", o)
	}
	// Round trip through String.
	o2, err := ParseOptions(Options{}, o.String())
	if err != nil || o2.String() != o.String() {
		t.Errorf("round trip: %v, %q != %q", err, o2.String(), o.String())
	}
	for _, bad := range []string{"skip=0", "nosuch=1", "delay=fast", "skip", "exitcode=300", "enabled=yes"} {
		if _, err := ParseOptions(DefaultOptions(), bad); err == nil {
			t.Errorf("%q: no error", bad)
		} else if name, _, _ := strings.Cut(bad, "="); !strings.Contains(err.Error(), name) {
			t.Errorf("%q: error %q does not name the option", bad, err)
		}
	}
}

func TestDefaultsMatchKCSAN(t *testing.T) {
	o := DefaultOptions()
	if o.Skip != 4000 || o.Delay != 80*Microsecond || o.ReportOnceIn != 3*Second || o.ExitCode != 66 || o.MaxStack != 64 {
		t.Errorf("defaults %v", o)
	}
}

// TestOptionsDoc keeps docs/options.md equal to the option table, so the
// documentation cannot drift from the code. Run with GOCSAN_UPDATE_DOCS=1
// to rewrite it.
func TestOptionsDoc(t *testing.T) {
	const path = "../docs/options.md"
	want := "# GOCSAN options\n\n" +
		"Set in the `GOCSAN` environment variable as space-separated `name=value` pairs\n" +
		"(for example `GOCSAN=\"skip=1 delay=2ms unknown_origin=0\"`), or in code with\n" +
		"`sanitizer.Configure`. An unknown name or a bad value stops the program at start\n" +
		"with an error naming it. This table is generated from `runtime/options.go`.\n\n" +
		OptionsTable()
	if os.Getenv("GOCSAN_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is out of date; run GOCSAN_UPDATE_DOCS=1 go test ./runtime -run TestOptionsDoc", path)
	}
}

// TestInvalidOptionStopsProgram runs a program (this test binary) with a bad
// GOCSAN and checks it stops at start naming the option.
func TestInvalidOptionStopsProgram(t *testing.T) {
	if os.Getenv("GOCSAN_CHILD") == "1" {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestInvalidOptionStopsProgram$")
	cmd.Env = append(os.Environ(), "GOCSAN_CHILD=1", "GOCSAN=skip=1 bogus_option=3")
	out, err := cmd.CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 2 {
		t.Fatalf("exit %v, want status 2; output:\n%s", err, out)
	}
	if !strings.Contains(string(out), `unknown option "bogus_option"`) {
		t.Errorf("output does not name the option:\n%s", out)
	}
}
