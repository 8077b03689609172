package realworld

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// errProxy is returned when the module proxy cannot be reached; the run
// stops, since every other case would fail the same way.
var errProxy = errors.New("module proxy unreachable")

// proxyFailures are the go command's messages for a proxy it cannot reach
// (as opposed to a module or version the proxy does not have).
var proxyFailures = []string{"dial tcp", "no such host", "connection refused", "i/o timeout", "proxyconnect", "TLS handshake timeout", "network is unreachable"}

// download fetches module@version into the user's module cache and
// returns its directory there.
func download(module, version string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	cmd.Dir = os.TempDir() // outside any module: the answer is the proxy's
	cmd.Env = goEnviron(nil)
	out, runErr := cmd.Output()
	var m struct{ Dir, Error string }
	if err := json.Unmarshal(out, &m); err != nil && runErr == nil {
		return "", fmt.Errorf("go mod download %s@%s: %v", module, version, err)
	}
	msg := m.Error
	if msg == "" && runErr != nil {
		msg = runErr.Error()
		if ee, ok := runErr.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
			msg = strings.TrimSpace(string(ee.Stderr))
		}
	}
	if msg != "" {
		for _, p := range proxyFailures {
			if strings.Contains(msg, p) {
				return "", fmt.Errorf("%w (GOPROXY=%s): %s", errProxy, goEnv("GOPROXY"), msg)
			}
		}
		return "", fmt.Errorf("download %s@%s: %s", module, version, msg)
	}
	if m.Dir == "" {
		return "", fmt.Errorf("download %s@%s: no directory in go mod download's answer", module, version)
	}
	return m.Dir, nil
}

// prepare copies a module out of the (read-only) module cache into a
// fresh writable directory under tmp, where it is the main module with its
// own go.mod.
func prepare(src, tmp, name string) (string, error) {
	dst, err := os.MkdirTemp(tmp, name+"-")
	if err != nil {
		return "", err
	}
	dst = filepath.Join(dst, "m")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		return "", fmt.Errorf("copying %s: %v", src, err)
	}
	return dst, nil
}

// tool is one way of running go test.
type tool struct {
	name    string // column name: plain, race, default, ci
	command []string
	parse   func(string) []Report
}

func tools(gocsan string) map[string]tool {
	return map[string]tool{
		"plain":   {name: "plain", command: []string{"go", "test"}, parse: ParseRace},
		"race":    {name: "race", command: []string{"go", "test", "-race"}, parse: ParseRace},
		"default": {name: "default", command: []string{gocsan, "test", "-profile=default"}, parse: ParseGocsan},
		"ci":      {name: "ci", command: []string{gocsan, "test", "-profile=ci"}, parse: ParseGocsan},
	}
}

// result is one go test run.
type result struct {
	out      string
	wall     time.Duration
	exit     int  // exit code; -1 if killed
	timedOut bool // killed at the per-run timeout
}

// buildFailed reports whether go test's output says a package did not
// build (as opposed to tests that failed).
func (r result) buildFailed() bool {
	return strings.Contains(r.out, "[build failed]") || strings.Contains(r.out, "[setup failed]")
}

func (r result) passed() bool { return r.exit == 0 && !r.timedOut }

// goTest runs t in dir with args and the extra environment, killing the
// whole process group (go test and the test binary) at the timeout.
func goTest(t tool, dir string, env []string, timeout time.Duration, args ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	argv := append(append([]string{}, t.command[1:]...), args...)
	cmd := exec.CommandContext(ctx, t.command[0], argv...)
	cmd.Dir = dir
	cmd.Env = goEnviron(env)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	r := result{out: out.String(), wall: time.Since(start)}
	if ctx.Err() != nil {
		r.timedOut, r.exit = true, -1
		return r
	}
	if ee, ok := err.(*exec.ExitError); ok {
		r.exit = ee.ExitCode()
	} else if err != nil {
		r.out += "\n" + err.Error()
		r.exit = -1
	}
	return r
}

// goEnviron is the environment of every go command the harness runs: the
// user's (so downloads go to the normal module cache), with
// GOFLAGS=-mod=mod so missing go.sum lines are filled from the proxy,
// GOTOOLCHAIN=local so every case runs on the one Go being measured, and
// without the user's GOCSAN and GORACE: one configuration for all cases.
// extra comes last and wins.
func goEnviron(extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "GOFLAGS", "GOTOOLCHAIN", "GOCSAN", "GORACE":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	return append(env, extra...)
}

// testArgs are the go test arguments of a case: -count=1 so results are
// never cached, then the case's own.
func testArgs(run string, testflags, packages []string) []string {
	args := []string{"-count=1"}
	if run != "" {
		args = append(args, "-run", run)
	}
	args = append(args, testflags...)
	return append(args, packages...)
}

func goEnv(name string) string {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

// lastLines returns the last n lines of s, for error messages.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
