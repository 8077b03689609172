package instrument

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// stdPackages are rewritten and their output type-checked by
// TestStdlibRewritesTypeCheck: a broad sample of real Go (generics,
// closures, labels, goto, select, maps, atomics, unsafe, assembly stubs).
var stdPackages = []string{
	"bufio", "bytes", "container/heap", "container/list", "context",
	"encoding/base64", "encoding/binary", "encoding/json", "errors",
	"flag", "fmt", "go/ast", "go/parser", "go/scanner", "go/printer",
	"io", "maps", "math/big", "net/url", "path/filepath", "regexp",
	"regexp/syntax", "slices", "sort", "strconv", "strings",
	"text/tabwriter", "text/template", "text/template/parse", "time",
	"unicode/utf8", "compress/flate", "archive/tar", "html/template",
	"iter", "log", "os/exec",
}

type listed struct {
	ImportPath, Dir, Export string
	GoFiles                 []string
	Standard                bool
}

func goList(t *testing.T, dir string, args ...string) []listed {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-e", "-json=ImportPath,Dir,Export,GoFiles,Standard"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	var ps []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p listed
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

// TestStdlibRewritesTypeCheck rewrites standard library packages (in
// memory; nothing is written) and type-checks the rewritten files against
// export data that includes gocsan's runtime: every file the rewriter
// changes must still be valid Go, with no new errors.
func TestStdlibRewritesTypeCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks many packages")
	}
	pkgs := stdPackages
	if env := os.Getenv("GOCSAN_TYPECHECK_PKGS"); env != "" {
		// For maintainers: try other packages the module can see,
		// e.g. GOCSAN_TYPECHECK_PKGS="golang.org/x/sys/unix".
		pkgs = strings.Fields(env)
	}
	exports := map[string]string{}
	for _, p := range goList(t, ".", append([]string{"-export", "-deps", DefaultRuntimeImportPath}, pkgs...)...) {
		if p.Export != "" {
			exports[p.ImportPath] = p.Export
		}
	}
	var cfg strings.Builder
	var keys []string
	for k := range exports {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&cfg, "packagefile %s=%s\n", k, exports[k])
	}
	importcfg := filepath.Join(t.TempDir(), "importcfg")
	if err := os.WriteFile(importcfg, []byte(cfg.String()), 0o666); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, p := range goList(t, ".", pkgs...) {
		var files []string
		for _, f := range p.GoFiles {
			files = append(files, filepath.Join(p.Dir, f))
		}
		res, err := Package(Config{ImportPath: p.ImportPath, ImportCfg: importcfg}, files)
		if err != nil {
			t.Errorf("%s: %v", p.ImportPath, err)
			continue
		}
		total += len(res.sites)
		// Type-check the package again with the rewritten files.
		fset := token.NewFileSet()
		var asts []*ast.File
		for _, f := range files {
			src, ok := res.Files[f]
			if !ok {
				src, err = os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
			}
			af, err := parser.ParseFile(fset, f, src, parser.SkipObjectResolution)
			if err != nil {
				t.Errorf("%s: rewritten file does not parse: %v", p.ImportPath, err)
				continue
			}
			asts = append(asts, af)
		}
		var errs []string
		tc := types.Config{
			Importer: importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
				return os.Open(exports[path])
			}),
			Error: func(err error) { errs = append(errs, err.Error()) },
		}
		tc.Check(p.ImportPath, fset, asts, nil)
		if len(errs) > 5 {
			errs = errs[:5]
		}
		for _, e := range errs {
			t.Errorf("%s: rewritten package: %s", p.ImportPath, e)
		}
	}
	t.Logf("%d packages, %d checks inserted", len(pkgs), total)
	if total == 0 {
		t.Error("no checks inserted")
	}
}
