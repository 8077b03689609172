package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Docker cannot run where gocsan's tests run, so this test checks the
// Dockerfile by doing what it does: every "go" command of its RUN lines
// runs in a copy of the build context layout (the repository root, as
// COPY . . leaves it), with outputs redirected into a temporary
// directory, and the binary built is run. It also checks the parts of
// the image that a build outside Docker cannot: a non-root user and the
// source files gocsan needs at run time.

type instruction struct {
	line int
	op   string
	args string
}

func parseDockerfile(t *testing.T, path string) []instruction {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []instruction
	var cur strings.Builder
	start := 0
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if cur.Len() == 0 {
			start = n
		}
		if strings.HasSuffix(trimmed, `\`) {
			cur.WriteString(strings.TrimSuffix(trimmed, `\`) + " ")
			continue
		}
		cur.WriteString(trimmed)
		op, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{start, strings.ToUpper(op), strings.TrimSpace(args)})
		cur.Reset()
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// shellWords splits a simple shell command line: words, single and
// double quotes. Anything fancier (pipes, &&, $) is refused, so that the
// test never silently runs something other than what Docker would.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	if strings.ContainsAny(s, "|&;$`<>") {
		t.Fatalf("RUN %q: shell syntax this test does not interpret; keep go RUN lines simple", s)
	}
	var words []string
	var w strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				w.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		t.Fatalf("RUN %q: unterminated quote", s)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// expandArgs replaces ${NAME} by the build argument's value, as Docker
// does in FROM lines and the shell does in RUN lines (a build argument
// is in the environment of RUN). An undeclared name fails the test.
func expandArgs(t *testing.T, in instruction, args map[string]string) string {
	t.Helper()
	var b strings.Builder
	s := in.args
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], "}")
		if j < 0 {
			t.Fatalf("Dockerfile:%d: unterminated ${ in %s", in.line, in.args)
		}
		name := s[i+2 : i+j]
		val, ok := args[name]
		if !ok {
			t.Fatalf("Dockerfile:%d: ${%s} is not a build argument declared before it", in.line, name)
		}
		b.WriteString(s[:i] + val)
		s = s[i+j+1:]
	}
	return b.String() + s
}

func TestDockerfileBuildSteps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gocsan")
	}
	root := repoRoot(t)
	steps := parseDockerfile(t, filepath.Join(root, "Dockerfile"))
	out := t.TempDir()
	var froms []string
	// The build arguments' defaults: what docker build uses when none
	// is given.
	args := map[string]string{}
	user, ranBuild := "", false
	var built string
	for _, in := range steps {
		switch in.op {
		case "ARG":
			name, val, _ := strings.Cut(in.args, "=")
			args[name] = val
		case "FROM":
			froms = append(froms, expandArgs(t, in, args))
			user = ""
		case "USER":
			user = in.args
		case "RUN":
			if first, _, _ := strings.Cut(in.args, " "); first != "go" && !strings.Contains(first, "=") {
				t.Logf("Dockerfile:%d: not a go command, not run here: RUN %s", in.line, in.args)
				continue
			}
			words := shellWords(t, expandArgs(t, in, args))
			var env []string
			for len(words) > 0 && strings.Contains(words[0], "=") && !strings.HasPrefix(words[0], "-") {
				env = append(env, words[0])
				words = words[1:]
			}
			if len(words) == 0 || words[0] != "go" {
				t.Logf("Dockerfile:%d: not a go command, not run here: RUN %s", in.line, in.args)
				continue
			}
			for i := 0; i+1 < len(words); i++ {
				if words[i] == "-o" {
					words[i+1] = filepath.Join(out, filepath.Base(words[i+1]))
					built = words[i+1]
				}
			}
			cmd := exec.Command("go", words[1:]...)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), env...)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("Dockerfile:%d: RUN %s: %v\n%s", in.line, in.args, err, b)
			}
			if len(words) > 1 && words[1] == "build" {
				ranBuild = true
			}
		}
	}
	if len(froms) < 2 || !strings.HasPrefix(froms[0], "golang:1.26") || !strings.HasPrefix(froms[len(froms)-1], "golang:1.26") {
		t.Errorf("want a multi-stage build from golang:1.26 ending in an image with the Go toolchain, have FROM %v", froms)
	}
	if user == "" || user == "root" || user == "0" || strings.HasPrefix(user, "0:") {
		t.Errorf("the final image runs as %q, want a non-root user", user)
	}
	if !ranBuild || built == "" {
		t.Fatal("no RUN go build -o ... found")
	}
	// The binary works.
	b, err := exec.Command(built, "help").CombinedOutput()
	if err != nil || !strings.Contains(string(b), "report") || !strings.Contains(string(b), "test") {
		t.Errorf("%s help: %v\n%s", built, err, b)
	}
	// The image keeps, under GOCSAN_ROOT, the source of every gocsan
	// package the injected runtime needs.
	var copied []string
	gocsanRoot := ""
	for _, in := range steps {
		if in.op == "COPY" && strings.HasPrefix(in.args, "--from=build /src/") {
			for _, w := range strings.Fields(in.args)[1:] {
				if rel, ok := strings.CutPrefix(w, "/src/"); ok {
					copied = append(copied, rel)
				}
			}
		}
		if in.op == "ENV" {
			for _, w := range strings.Fields(in.args) {
				if v, ok := strings.CutPrefix(w, "GOCSAN_ROOT="); ok {
					gocsanRoot = v
				}
			}
		}
	}
	if gocsanRoot == "" {
		t.Error("no ENV GOCSAN_ROOT")
	}
	list := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.Dir}}{{end}}", "./runtime")
	list.Dir = root
	deps, err := list.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range strings.Fields(string(deps)) {
		rel, err := filepath.Rel(root, dir)
		if err != nil {
			t.Fatal(err)
		}
		ok := false
		for _, c := range copied {
			ok = ok || rel == c || strings.HasPrefix(rel, c+"/")
		}
		if !ok {
			t.Errorf("the runtime needs %s, which the image does not copy to %s", rel, gocsanRoot)
		}
	}
	for _, need := range []string{"go.mod", "go.sum"} {
		found := false
		for _, c := range copied {
			found = found || c == need
		}
		if !found {
			t.Errorf("the image does not copy %s to %s", need, gocsanRoot)
		}
	}
}
