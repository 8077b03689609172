package instrument

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
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
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// DefaultRuntimeImportPath is the package instrumented code calls.
const DefaultRuntimeImportPath = "github.com/gocsan/gocsan/runtime"

// Config says what is being compiled and how to type-check it.
type Config struct {
	// ImportPath is the import path of the package being compiled
	// (for test variants, the plain path).
	ImportPath string
	// ImportCfg is the compiler's -importcfg file ("packagefile
	// path=archive" and "importmap" lines). Dependencies are
	// type-checked from their export data. Empty: use
	// importer.Default(), which finds export data through the go command.
	ImportCfg string
	// GoVersion is the -lang value, e.g. "go1.22". Empty: the toolchain's.
	GoVersion string
	// RuntimeImportPath is the runtime package instrumented code calls;
	// empty means DefaultRuntimeImportPath.
	RuntimeImportPath string
}

// Result is the outcome of rewriting one package.
type Result struct {
	// Files maps an original file path (as passed to Package) to its
	// rewritten source, for files that changed.
	Files map[string][]byte
	// Warnings are "file:line:col: message" lines naming accesses or
	// constructs left uninstrumented.
	Warnings []string

	// sites records every inserted check, for the tests.
	sites []site
	// replaced holds, per rewritten file, the byte ranges of the
	// original that were replaced rather than kept, for the tests.
	replaced map[string][][2]int
}

// AddedImports returns the import paths rewritten code may add, for a
// build driver that must make them resolvable (importcfg packagefile
// lines): the runtime package and unsafe.
func AddedImports(cfg Config) []string {
	return []string{runtimePath(cfg), "unsafe"}
}

func runtimePath(cfg Config) string {
	if cfg.RuntimeImportPath != "" {
		return cfg.RuntimeImportPath
	}
	return DefaultRuntimeImportPath
}

// Package type-checks and rewrites the Go files of one package: all files
// the compiler gets, including cgo-generated and _test.go files. A package
// that does not parse or type-check yields an error holding the
// compiler-style "file:line:col: msg" positions; the caller should then
// compile the original files so that the compiler's own errors show.
func Package(cfg Config, files []string) (*Result, error) {
	if len(files) == 0 {
		return nil, errors.New("instrument: no files")
	}
	fset := token.NewFileSet()
	var err error
	var asts []*ast.File
	srcs := map[*ast.File][]byte{}
	names := map[*ast.File]string{}
	usesC := false
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		abs, err := filepath.Abs(name)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, abs, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, imp := range f.Imports {
			if imp.Path.Value == `"C"` {
				usesC = true
			}
		}
		asts = append(asts, f)
		srcs[f] = src
		names[f] = name
	}

	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Implicits:  map[ast.Node]types.Object{},
		Scopes:     map[ast.Node]*types.Scope{},
		// Per-file language versions (//go:build go1.N lines), for
		// the loop variable semantics.
		FileVersions: map[*ast.File]string{},
	}
	var imp types.Importer
	if cfg.ImportCfg != "" {
		imp, err = newImporter(fset, cfg.ImportCfg)
	} else {
		imp, err = goListImporter(fset, filepath.Dir(files[0]), asts)
	}
	if err != nil {
		return nil, err
	}
	goarch := os.Getenv("GOARCH")
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	sizes := types.SizesFor("gc", goarch)
	if sizes == nil {
		return nil, fmt.Errorf("instrument: unknown GOARCH %q", goarch)
	}
	var errs []string
	tc := &types.Config{
		Importer:    imp,
		GoVersion:   cfg.GoVersion,
		Sizes:       sizes,
		FakeImportC: usesC,
		// Collect every error, not just the first, so the caller
		// sees all positions as the compiler would print them.
		Error: func(err error) { errs = append(errs, err.Error()) },
	}
	path := cfg.ImportPath
	if path == "" {
		path = "main"
	}
	pkg, _ := tc.Check(path, fset, asts, info)
	if len(errs) > 0 {
		if len(errs) > 10 {
			errs = append(errs[:10], "too many errors")
		}
		return nil, errors.New(strings.Join(errs, "\n"))
	}

	p := &pkgRewriter{
		cfg:    cfg,
		fset:   fset,
		pkg:    pkg,
		info:   info,
		sizes:  sizes,
		lang:   langVersion(cfg.GoVersion),
		shared: findShared(info, asts, cfg.GoVersion),
	}
	res := &Result{Files: map[string][]byte{}, replaced: map[string][][2]int{}}
	pkgLevel, local := shadowsUniverse(pkg, info)
	if pkgLevel != nil {
		// Inserted code names these predeclared identifiers; a
		// package redeclaring one would not compile once rewritten.
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: gocsan: package redeclares predeclared %s: package not instrumented", fset.Position(pkgLevel.Pos()), pkgLevel.Name))
		return res, nil
	}
	p.localShadows = local
	var frs []*fileRewriter
	for _, f := range asts {
		if generatedByCgo(names[f]) {
			// cgo's own glue (_cgo_gotypes.go, _cgo_import.go) calls
			// into the runtime with hand-laid-out arguments; the
			// user's code in *.cgo1.go files is instrumented.
			continue
		}
		fr := p.newFile(f, srcs[f])
		fr.rewrite()
		frs = append(frs, fr)
	}
	if len(frs) > 0 {
		frs[0].declarePackageState()
	}
	for _, fr := range frs {
		res.Warnings = append(res.Warnings, fr.warnings...)
		res.sites = append(res.sites, fr.sites...)
		if fr.buf.changed() {
			name := names[fr.file]
			res.Files[name] = fr.output()
			res.replaced[name] = fr.buf.replacedRanges()
		}
	}
	sort.Strings(res.Warnings)
	return res, nil
}

func generatedByCgo(name string) bool {
	return strings.HasPrefix(filepath.Base(name), "_cgo_")
}

// universeNames are the predeclared identifiers rewritten code names.
var universeNames = map[string]bool{
	"uintptr": true, "uint64": true, "len": true, "cap": true, "bool": true,
	"true": true, "int": true, "any": true, "nil": true,
}

// shadowsUniverse returns the declarations that bind one of universeNames
// in a scope: the first at package or file level (an import name), if
// any, and the local ones (in functions, in position order). Struct
// fields, methods and labels are not looked up lexically and shadow
// nothing (github.com/cespare/xxhash/v2 has a field named cap).
func shadowsUniverse(pkg *types.Package, info *types.Info) (pkgLevel *ast.Ident, local []*ast.Ident) {
	for id, obj := range info.Defs {
		if obj == nil || !universeNames[id.Name] {
			continue
		}
		switch o := obj.(type) {
		case *types.Var:
			if o.IsField() {
				continue
			}
		case *types.Func:
			if o.Type().(*types.Signature).Recv() != nil {
				continue
			}
		case *types.Label:
			continue
		}
		_, isImport := obj.(*types.PkgName)
		if isImport || obj.Parent() == pkg.Scope() {
			if pkgLevel == nil || id.Pos() < pkgLevel.Pos() {
				pkgLevel = id
			}
			continue
		}
		local = append(local, id)
	}
	sort.Slice(local, func(i, j int) bool { return local[i].Pos() < local[j].Pos() })
	return pkgLevel, local
}

// langVersion returns the minor version of a "go1.N[.M]" -lang value, or
// a large number when it is empty (the toolchain's own language).
func langVersion(v string) int {
	if v == "" {
		return 1 << 30
	}
	var minor int
	if _, err := fmt.Sscanf(strings.TrimPrefix(v, "go1."), "%d", &minor); err != nil {
		return 1 << 30
	}
	return minor
}

// goListImporter returns an importer for the imports of files in dir,
// reading export data the go command builds and lists (go list -export),
// as the compiler would see them from that directory's module.
func goListImporter(fset *token.FileSet, dir string, files []*ast.File) (types.Importer, error) {
	seen := map[string]bool{}
	args := []string{"list", "-e", "-export", "-deps", "-json=ImportPath,Export"}
	for _, f := range files {
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil || p == "C" || p == "unsafe" || seen[p] {
				continue
			}
			seen[p] = true
			args = append(args, p)
		}
	}
	exports := map[string]string{}
	if len(seen) > 0 {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go list -export: %v\n%s", err, stderr.Bytes())
		}
		dec := json.NewDecoder(bytes.NewReader(out))
		for dec.More() {
			var p struct{ ImportPath, Export string }
			if err := dec.Decode(&p); err != nil {
				return nil, fmt.Errorf("go list -export: %v", err)
			}
			if p.Export != "" {
				exports[p.ImportPath] = p.Export
			}
		}
	}
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %q (go list -export in %s)", path, dir)
		}
		return os.Open(file)
	}), nil
}

// newImporter returns an importer reading export data through the
// importcfg file's packagefile lines.
func newImporter(fset *token.FileSet, importcfg string) (types.Importer, error) {
	f, err := os.Open(importcfg)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	files, imap, err := parseImportCfg(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", importcfg, err)
	}
	lookup := func(path string) (io.ReadCloser, error) {
		file, ok := files[path]
		if !ok {
			return nil, fmt.Errorf("can't find export data for %q in %s", path, importcfg)
		}
		return os.Open(file)
	}
	gc := importer.ForCompiler(fset, "gc", lookup)
	return importerFunc(func(path string) (*types.Package, error) {
		if p, ok := imap[path]; ok {
			path = p
		}
		return gc.Import(path)
	}), nil
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// parseImportCfg reads the compiler's importcfg format: "packagefile
// path=file" and "importmap old=new" lines, "#" comments.
func parseImportCfg(r io.Reader) (files, importmap map[string]string, err error) {
	files, importmap = map[string]string{}, map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		verb, args, _ := strings.Cut(line, " ")
		k, v, ok := strings.Cut(strings.TrimSpace(args), "=")
		switch verb {
		case "packagefile":
			if !ok {
				return nil, nil, fmt.Errorf("line %d: bad packagefile %q", n, line)
			}
			files[k] = v
		case "importmap":
			if !ok {
				return nil, nil, fmt.Errorf("line %d: bad importmap %q", n, line)
			}
			importmap[k] = v
		default:
			// modinfo, packageshlib and future verbs do not
			// matter for type-checking.
		}
	}
	return files, importmap, sc.Err()
}
