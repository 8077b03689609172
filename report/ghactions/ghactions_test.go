package ghactions

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocsan/gocsan/report"
)

func TestEscaping(t *testing.T) {
	if got := EscapeData("100% done\r\nnext: a,b"); got != "100%25 done%0D%0Anext: a,b" {
		t.Errorf("EscapeData: %q", got)
	}
	if got := EscapeProperty("a:b,c%\n"); got != "a%3Ab%2Cc%25%0A" {
		t.Errorf("EscapeProperty: %q", got)
	}
}

func sample(title string) *report.Report {
	r := &report.Report{Kind: report.KindDataRace, Accesses: []report.Access{
		{Op: report.OpWrite, Goroutine: 7, CPU: -1, Stack: []report.Frame{{Function: "m.w", File: "/usr/local/go/src/x.go", Line: 2}, {Function: "m.write", File: "/repo/pkg/w.go", Line: 12}}},
		{Op: report.OpRead, Goroutine: 8, CPU: -1, Stack: []report.Frame{{Function: "m.TestR", File: "/repo/pkg/r_test.go", Line: 5}, {Function: "testing.tRunner"}}},
	}}
	r.Title = title
	return r
}

// parseCommand splits a workflow command line the way the runner does.
func parseCommand(t *testing.T, line string) (cmd string, props map[string]string, msg string) {
	t.Helper()
	if !strings.HasPrefix(line, "::") {
		t.Fatalf("not a command: %q", line)
	}
	head, msg, ok := strings.Cut(line[2:], "::")
	if !ok {
		t.Fatalf("no message: %q", line)
	}
	cmd, rest, _ := strings.Cut(head, " ")
	props = map[string]string{}
	if rest != "" {
		for _, kv := range strings.Split(rest, ",") {
			k, v, _ := strings.Cut(kv, "=")
			props[k] = unescape(v)
		}
	}
	return cmd, props, unescape(msg)
}

func unescape(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

func TestPublishOnlyUnderActions(t *testing.T) {
	reports := []*report.Report{sample("data-race in m.a, m.b: 100%"), sample("second")}
	summary := filepath.Join(t.TempDir(), "summary.md")
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": "/repo", "GITHUB_STEP_SUMMARY": summary}
	var out bytes.Buffer
	if err := Publish(&out, func(k string) string { return env[k] }, reports, []int{3, 1}, Options{Max: 1}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want one annotation and one notice:\n%s", len(lines), out.String())
	}
	cmd, props, msg := parseCommand(t, lines[0])
	if cmd != "error" || props["file"] != "pkg/w.go" || props["line"] != "12" || props["title"] != "gocsan: data-race in m.a, m.b: 100%" {
		t.Errorf("annotation %s %v", cmd, props)
	}
	if !strings.Contains(msg, "seen 3 times") || !strings.Contains(msg, "BUG: KCSAN:") || !strings.Contains(msg, "\n") {
		t.Errorf("message %q", msg)
	}
	if cmd, _, msg := parseCommand(t, lines[1]); cmd != "notice" || !strings.Contains(msg, "1 more") {
		t.Errorf("notice %s %q", cmd, msg)
	}
	md, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2 distinct races (4 reports)", "| 1 | data-race |", "m.TestR", "`pkg/w.go:12`", "<details>"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("summary lacks %q:\n%s", want, md)
		}
	}
	out.Reset()
	env["GITHUB_ACTIONS"] = ""
	if err := Publish(&out, func(k string) string { return env[k] }, reports, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Errorf("annotations printed outside Actions: %q", out.String())
	}
}
