package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gocsan/gocsan/instrument"
)

func init() {
	register("instrument", "print a package's or file's source as gocsan rewrites it", runInstrument)
}

func runInstrument(args []string) int {
	fs := flag.NewFlagSet("instrument", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: gocsan instrument [-test] [-lang go1.N] [-overlay FILE] PKG | FILE.go...\n\n"+
			"Prints the source of the package's Go files as gocsan instruments them\n"+
			"(each file after a \"// gocsan instrument: FILE\" line; unchanged files are\n"+
			"listed but not printed). Warnings about accesses left uninstrumented go\n"+
			"to standard error. PKG is one package pattern of the go command (it may\n"+
			"match several packages).\n\n"+
			"With -overlay, the rewritten files are written next to FILE instead and\n"+
			"FILE is a go command overlay replacing the originals by them, for\n"+
			"go build -overlay FILE (the program must be able to import gocsan's runtime).\n\n")
		fs.PrintDefaults()
	}
	test := fs.Bool("test", false, "also rewrite the package's _test.go files")
	lang := fs.String("lang", "", "language version for type-checking FILE arguments (default: the toolchain's)")
	overlayFile := fs.String("overlay", "", "write rewritten files and a go command overlay `file` instead of printing")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	var units []instrumentUnit
	var err error
	if strings.HasSuffix(fs.Arg(0), ".go") {
		units = []instrumentUnit{{cfg: instrument.Config{ImportPath: "command-line-arguments", GoVersion: *lang}, files: fs.Args()}}
	} else {
		if fs.NArg() != 1 {
			fmt.Fprintln(os.Stderr, "gocsan instrument: exactly one package pattern, or .go files")
			return 2
		}
		units, err = listPackageUnits(fs.Arg(0), *test)
		if err != nil {
			fmt.Fprintf(os.Stderr, "gocsan instrument: %v\n", err)
			return 1
		}
	}
	defer func() {
		for _, u := range units {
			if u.cleanup != nil {
				u.cleanup()
			}
		}
	}()
	status := 0
	replace := map[string]string{}
	for _, u := range units {
		var err error
		if *overlayFile != "" {
			err = writeInstrumented(os.Stderr, u, filepath.Dir(*overlayFile), replace)
		} else {
			err = printInstrumented(os.Stdout, os.Stderr, u)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "gocsan instrument: %v\n", err)
			status = 1
		}
	}
	if *overlayFile != "" {
		js, err := json.MarshalIndent(map[string]any{"Replace": replace}, "", "\t")
		if err == nil {
			err = os.WriteFile(*overlayFile, append(js, '\n'), 0o666)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "gocsan instrument: %v\n", err)
			return 1
		}
	}
	return status
}

// writeInstrumented writes u's rewritten files into dir, recording each
// in replace (original absolute path -> rewritten file).
func writeInstrumented(stderr io.Writer, u instrumentUnit, dir string, replace map[string]string) error {
	res, err := instrument.Package(u.cfg, u.files)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, w)
	}
	for _, f := range u.files {
		src, ok := res.Files[f]
		if !ok {
			continue
		}
		abs, err := filepath.Abs(f)
		if err != nil {
			return err
		}
		// Flatten the path into one unique file name.
		name := strings.NewReplacer(string(filepath.Separator), "_", ":", "_").Replace(strings.TrimPrefix(abs, string(filepath.Separator)))
		out, err := filepath.Abs(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := os.WriteFile(out, src, 0o666); err != nil {
			return err
		}
		replace[abs] = out
	}
	return nil
}

type instrumentUnit struct {
	cfg     instrument.Config
	files   []string
	cleanup func()
}

func printInstrumented(stdout, stderr io.Writer, u instrumentUnit) error {
	res, err := instrument.Package(u.cfg, u.files)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, w)
	}
	for _, f := range u.files {
		src, ok := res.Files[f]
		if !ok {
			fmt.Fprintf(stdout, "// gocsan instrument: %s (unchanged)\n", f)
			continue
		}
		fmt.Fprintf(stdout, "// gocsan instrument: %s\n", f)
		stdout.Write(src)
		if !bytes.HasSuffix(src, []byte("\n")) {
			fmt.Fprintln(stdout)
		}
	}
	return nil
}

type listedPackage struct {
	ImportPath   string
	Dir          string
	Name         string
	Export       string
	Standard     bool
	GoFiles      []string
	CgoFiles     []string
	TestGoFiles  []string
	XTestGoFiles []string
	Module       *struct{ GoVersion string }
	Error        *struct{ Err string }
	DepOnly      bool
}

// listPackageUnits asks the go command for the package's files and the
// export data of its dependencies (building them as needed), so the
// package is type-checked as the compiler would see it.
func listPackageUnits(pattern string, test bool) ([]instrumentUnit, error) {
	args := []string{"list", "-e", "-json", "-export", "-deps"}
	if test {
		args = append(args, "-test")
	}
	args = append(args, pattern)
	cmd := exec.Command("go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v\n%s", err, stderr.Bytes())
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p listedPackage
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	exports := map[string]string{}
	var roots []listedPackage
	for _, p := range pkgs {
		if p.Export != "" {
			exports[p.ImportPath] = p.Export
		}
		if !p.DepOnly && !strings.HasSuffix(p.ImportPath, ".test") && !strings.Contains(p.ImportPath, " [") {
			roots = append(roots, p)
		}
	}
	if len(roots) == 0 {
		return nil, errors.New("no packages match " + pattern)
	}
	var cfgText strings.Builder
	paths := make([]string, 0, len(exports))
	for p := range exports {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(&cfgText, "packagefile %s=%s\n", p, exports[p])
	}
	tmp, err := os.CreateTemp("", "gocsan-importcfg-")
	if err != nil {
		return nil, err
	}
	if _, err := tmp.WriteString(cfgText.String()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	tmp.Close()
	var units []instrumentUnit
	for i, p := range roots {
		if p.Error != nil {
			os.Remove(tmp.Name())
			return nil, errors.New(p.Error.Err)
		}
		lang := ""
		if p.Module != nil && p.Module.GoVersion != "" {
			lang = "go" + p.Module.GoVersion
		}
		join := func(names ...[]string) []string {
			var fs []string
			for _, ns := range names {
				for _, n := range ns {
					fs = append(fs, filepath.Join(p.Dir, n))
				}
			}
			return fs
		}
		cfg := instrument.Config{ImportPath: p.ImportPath, ImportCfg: tmp.Name(), GoVersion: lang}
		files := join(p.GoFiles, p.CgoFiles)
		if test {
			files = join(p.GoFiles, p.CgoFiles, p.TestGoFiles)
		}
		u := instrumentUnit{cfg: cfg, files: files}
		if i == 0 {
			name := tmp.Name()
			u.cleanup = func() { os.Remove(name) }
		}
		units = append(units, u)
		if test && len(p.XTestGoFiles) > 0 {
			xcfg := cfg
			xcfg.ImportPath = p.ImportPath + "_test"
			units = append(units, instrumentUnit{cfg: xcfg, files: join(p.XTestGoFiles)})
		}
	}
	return units, nil
}
