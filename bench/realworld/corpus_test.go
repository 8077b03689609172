package realworld

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The corpus in the repository loads: every file decodes strictly and
// passes the checks.
func TestCorpusLoads(t *testing.T) {
	races, err := loadRaces("corpus/races")
	if err != nil {
		t.Fatal(err)
	}
	if len(races) == 0 {
		t.Fatal("no race cases in corpus/races")
	}
	modules := map[string]bool{}
	for _, c := range races {
		modules[c.Module] = true
		if c.Verified.RacyFound < 1 {
			t.Errorf("%s: verified racy_found = %d, want >= 1", c.ID, c.Verified.RacyFound)
		}
	}
	t.Logf("%d race cases in %d modules", len(races), len(modules))
	compat, err := loadCompat("corpus/compat")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d compat modules", len(compat))
}

func writeCase(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o666); err != nil {
		t.Fatal(err)
	}
}

const goodRace = `{
  "id": "x-race",
  "module": "example.com/x",
  "racy": "v1.0.0",
  "fixed": "",
  "package": "example.com/x",
  "run": "^TestX$",
  "testflags": [],
  "accesses": [{"file": "x.go", "line": 3, "func": "example.com/x.F"}],
  "evidence": "example/x#1",
  "classes": ["counter"],
  "verified": {"date": "2026-12-07", "go": "go1.26.8", "runs": 10, "racy_found": 4, "fixed_found": -1}
}
`

func TestCorpusRejects(t *testing.T) {
	for _, c := range []struct {
		name, text, want string
	}{
		{"x-race.json", goodRace, ""},
		{"x-race.json", strings.Replace(goodRace, `"evidence"`, `"evidense"`, 1), `x-race.json: json: unknown field "evidense"`},
		{"x-race.json", strings.Replace(goodRace, `"line": 3`, `"line": "3"`, 1), "x-race.json: line 9: json: cannot unmarshal"},
		{"x-race.json", strings.Replace(goodRace, `"run": "^TestX$",`, `"run": "^TestX$"`, 1), "x-race.json: line 8: invalid character"},
		{"y-race.json", goodRace, `id "x-race" differs from the file name "y-race"`},
		{"x-race.json", strings.Replace(goodRace, `"counter"`, `"counters"`, 1), `class "counters" is not in the vocabulary`},
		{"x-race.json", strings.Replace(goodRace, `"x.go"`, `"dir/x.go"`, 1), "accesses[0]: want a file base name"},
		{"x-race.json", strings.Replace(goodRace, `"^TestX$"`, `"(TestX"`, 1), "run: error parsing regexp"},
		{"x-race.json", goodRace + "{}", "data after the object"},
	} {
		dir := t.TempDir()
		writeCase(t, dir, c.name, c.text)
		cases, err := loadRaces(dir)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.want, err)
		case c.want == "" && (len(cases) != 1 || cases[0].Accesses[0].Line != 3):
			t.Errorf("good case decoded as %+v", cases)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("error = %v, want one containing %q", err, c.want)
		}
	}
}

func TestCompatRejects(t *testing.T) {
	good := `{"id": "m", "module": "example.com/m", "version": "v1.2.3", "packages": ["./..."], "testflags": ["-short"], "why": "generics",
  "verified": {"date": "2026-12-07", "go": "go1.26.8", "plain_pass": true, "race_pass": true}}`
	dir := t.TempDir()
	writeCase(t, dir, "m.json", good)
	if cs, err := loadCompat(dir); err != nil || len(cs) != 1 || cs[0].Testflags[0] != "-short" {
		t.Fatalf("loadCompat = %+v, %v", cs, err)
	}
	writeCase(t, dir, "m.json", strings.Replace(good, `["./..."]`, `[]`, 1))
	if _, err := loadCompat(dir); err == nil || !strings.Contains(err.Error(), "no packages") {
		t.Errorf("error = %v, want no packages", err)
	}
	if cs, err := loadCompat(filepath.Join(dir, "missing")); err != nil || cs != nil {
		t.Errorf("a missing directory: %v, %v; want an empty corpus", cs, err)
	}
}

// An unreachable proxy is told apart from a module the proxy lacks: it
// stops the run. The proxy here is a closed local port and the module
// cache is empty, so nothing reaches the network.
func TestDownloadProxyUnreachable(t *testing.T) {
	t.Setenv("GOPROXY", "http://127.0.0.1:1")
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOSUMDB", "off")
	t.Setenv("GONOPROXY", "")
	t.Setenv("GOPRIVATE", "")
	_, err := download("example.com/nonexistent", "v1.0.0")
	if !errors.Is(err, errProxy) {
		t.Fatalf("download error = %v, want %v", err, errProxy)
	}
	if !strings.Contains(err.Error(), "GOPROXY=http://127.0.0.1:1") {
		t.Errorf("error %q does not name the proxy", err)
	}
	// GOPROXY=off: the module is not available, but no proxy failed.
	t.Setenv("GOPROXY", "off")
	_, err = download("example.com/nonexistent", "v1.0.0")
	if err == nil || errors.Is(err, errProxy) {
		t.Errorf("GOPROXY=off: error = %v, want a download failure that is not %v", err, errProxy)
	}
}
