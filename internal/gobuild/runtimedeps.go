package gobuild

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// ModulePath is gocsan's own module.
const ModulePath = "github.com/gocsan/gocsan"

// runtimeSet is the result of resolving the runtime for one build.
type runtimeSet struct {
	Archives map[string]string `json:"archives"` // import path -> export archive
	NonStd   []string          `json:"nonstd"`   // the runtime and its non-standard deps
	Hash     string            `json:"hash"`     // of the sources of NonStd
}

// goCmd describes how to run the go command: which binary, in which
// directory, with which environment.
type goCmd struct {
	goBin string
	dir   string
	env   []string
}

func (g goCmd) output(args ...string) ([]byte, error) {
	cmd := exec.Command(g.goBin, args...)
	cmd.Dir, cmd.Env = g.dir, g.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

func setEnv(env []string, kv ...string) []string {
	out := append([]string(nil), env...)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, kv[i]+"="+kv[i+1])
	}
	return out
}

// sourceRoot finds the gocsan module's source: $GOCSAN_ROOT if set, else
// the directory this binary was built from (the path the compiler
// recorded for this file), else, for a binary built with -trimpath from
// the module cache, that module's directory under GOMODCACHE.
func sourceRoot(g goCmd) (string, error) {
	if r := os.Getenv("GOCSAN_ROOT"); r != "" {
		return r, checkRoot(r)
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cannot tell where gocsan's source is; set GOCSAN_ROOT to the gocsan module's directory")
	}
	dir := filepath.Dir(filepath.Dir(filepath.Dir(file))) // .../internal/gobuild/x.go
	if !filepath.IsAbs(dir) {
		// -trimpath: "github.com/gocsan/gocsan@v1.2.3/internal/gobuild".
		out, err := g.output("env", "GOMODCACHE")
		if err != nil {
			return "", err
		}
		dir = filepath.Join(strings.TrimSpace(string(out)), filepath.FromSlash(dir))
	}
	if err := checkRoot(dir); err != nil {
		return "", fmt.Errorf("%v; set GOCSAN_ROOT to the gocsan module's directory", err)
	}
	return dir, nil
}

func checkRoot(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return fmt.Errorf("gocsan source not found: %v", err)
	}
	if !bytes.Contains(b, []byte("module "+ModulePath+"\n")) {
		return fmt.Errorf("%s/go.mod is not module %s", dir, ModulePath)
	}
	if _, err := os.Stat(filepath.Join(dir, "runtime")); err != nil {
		return fmt.Errorf("gocsan source not found: %v", err)
	}
	return nil
}

// runtimeArchives resolves the runtime package and its dependencies to
// export archives built with the user's build flags (forward).
//
// When the user's module graph contains gocsan itself (gocsan's own
// repository, or a module that imports the sanitizer API), the runtime
// is resolved there, so the program links one copy of it. Otherwise it is
// resolved in gocsan's source directory, with GOWORK=off and the
// module-selection flags dropped: the user's go.mod is never involved.
// The result is cached by a hash of everything that can change it.
func runtimeArchives(user goCmd, forward []string, cacheDir string) (*runtimeSet, error) {
	g := user
	flags := forward
	if _, err := user.output("list", "-m", ModulePath); err != nil {
		root, err := sourceRoot(user)
		if err != nil {
			return nil, err
		}
		g = goCmd{goBin: user.goBin, dir: root, env: setEnv(user.env, "GOWORK", "off", "GOFLAGS", filterGOFLAGS(os.Getenv("GOFLAGS")))}
		flags = nil
		for _, f := range forward {
			name, _, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
			if name != "mod" && name != "modfile" && name != "overlay" {
				flags = append(flags, f)
			}
		}
	}
	modDir, err := g.output("list", "-m", "-f", "{{.Dir}}", ModulePath)
	if err != nil {
		return nil, err
	}
	envOut, err := g.output("env", "-json")
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "gocsan runtime archives v1\n%s\n%q\n%s\n", g.dir, flags, envOut)
	srcHash, err := hashGoFiles(strings.TrimSpace(string(modDir)), "runtime", "runtime/record")
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(h, "%s\n", srcHash)
	key := hex.EncodeToString(h.Sum(nil))[:32]
	cacheFile := filepath.Join(cacheDir, "runtime-"+key+".json")
	if rs, ok := loadRuntimeSet(cacheFile); ok {
		return rs, nil
	}

	args := append([]string{"list", "-deps", "-export", "-f", "{{.ImportPath}}\t{{.Export}}\t{{.Standard}}\t{{.Dir}}"}, flags...)
	args = append(args, RuntimePath)
	out, err := g.output(args...)
	if err != nil {
		return nil, fmt.Errorf("building gocsan's runtime with the build's flags: %v", err)
	}
	rs := &runtimeSet{Archives: map[string]string{}}
	sh := sha256.New()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("go list: unexpected output line %q", line)
		}
		if f[1] != "" {
			rs.Archives[f[0]] = f[1]
		}
		if f[2] == "false" {
			rs.NonStd = append(rs.NonStd, f[0])
			d, err := hashGoFiles(f[3], ".")
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(sh, "%s %s\n", f[0], d)
		}
	}
	if rs.Archives[RuntimePath] == "" {
		return nil, fmt.Errorf("go list gave no archive for %s", RuntimePath)
	}
	sort.Strings(rs.NonStd)
	rs.Hash = hex.EncodeToString(sh.Sum(nil))
	if b, err := json.Marshal(rs); err == nil {
		if os.MkdirAll(cacheDir, 0o755) == nil {
			writeFileAtomic(cacheFile, b)
		}
	}
	return rs, nil
}

func loadRuntimeSet(path string) (*runtimeSet, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	rs := new(runtimeSet)
	if json.Unmarshal(b, rs) != nil || rs.Archives[RuntimePath] == "" {
		return nil, false
	}
	// GOCACHE may have been trimmed or cleaned since.
	for _, a := range rs.Archives {
		if _, err := os.Stat(a); err != nil {
			return nil, false
		}
	}
	return rs, true
}

// writeFileAtomic writes through a temporary file and a rename, so a
// concurrent reader sees the old content or the new, never half.
func writeFileAtomic(path string, b []byte) {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil && cerr == nil {
		if os.Rename(f.Name(), path) == nil {
			return
		}
	}
	os.Remove(f.Name())
}

// hashGoFiles hashes the names and contents of the non-test .go and the
// .s files in each of dirs (relative to root).
func hashGoFiles(root string, dirs ...string) (string, error) {
	h := sha256.New()
	for _, d := range dirs {
		matches, err := filepath.Glob(filepath.Join(root, d, "*"))
		if err != nil {
			return "", err
		}
		sort.Strings(matches)
		for _, m := range matches {
			if strings.HasSuffix(m, "_test.go") || !strings.HasSuffix(m, ".go") && !strings.HasSuffix(m, ".s") {
				continue
			}
			f, err := os.Open(m)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(h, "%s\n", filepath.Join(d, filepath.Base(m)))
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return "", err
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fileHash is the SHA-256 of a file's content.
func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
