package gobuild

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Rewriter instruments the files of one package. The gocsan command
// passes an adapter for package instrument; tests pass their own.
type Rewriter interface {
	// Rewrite returns the rewritten source of each file it changed, by
	// original path, and warnings to show the user. An error means the
	// package is compiled unchanged.
	Rewrite(pkg Package, files []string) (changed map[string][]byte, warnings []string, err error)
	// AddedImports lists the import paths rewritten code may need.
	AddedImports() []string
}

// Package describes the package being compiled, as the compile command
// line tells it.
type Package struct {
	ImportPath string // as in TOOLEXEC_IMPORTPATH, without " [p.test]"
	ImportCfg  string // the compiler's -importcfg file
	GoVersion  string // the -lang value, e.g. "go1.21"
}

// Toolexec runs one tool invocation as the go command asked for with
// "-toolexec", args being the tool's path and arguments. It returns the
// exit code.
func Toolexec(args []string, rw Rewriter) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "gocsan toolexec: missing tool command line")
		return 2
	}
	cfg, err := loadConfig()
	if err != nil {
		fmt.Fprintf(os.Stderr, "gocsan toolexec: %v\n", err)
		return 2
	}
	tool := strings.TrimSuffix(filepath.Base(args[0]), ".exe")
	if len(args) == 2 && args[1] == "-V=full" && (tool == "compile" || tool == "link") {
		return versionWithSuffix(args, cfg.ToolID)
	}
	switch tool {
	case "compile":
		args, err = compileArgs(args, cfg, rw)
	case "link":
		args, err = linkArgs(args, cfg)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gocsan: %s: %v\n", tool, err)
		return 1
	}
	return run(args)
}

// versionWithSuffix prints the tool's -V=full line with gocsan's tool ID
// added. cmd/go uses a release toolchain's whole line as the tool's
// identity in every action ID, and a development toolchain's buildID
// field, so the suffix goes to the end of the line or of the buildID.
func versionWithSuffix(args []string, id string) int {
	out, err := exec.Command(args[0], args[1:]...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			os.Stderr.Write(ee.Stderr)
		}
		fmt.Fprintf(os.Stderr, "gocsan: %s -V=full: %v\n", args[0], err)
		return 1
	}
	line := strings.TrimSpace(string(out))
	if i := strings.LastIndex(line, " buildID="); i >= 0 {
		line += "+" + id
	} else {
		line += " " + id
	}
	fmt.Println(line)
	return 0
}

func run(args []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		fmt.Fprintf(os.Stderr, "gocsan: %v\n", err)
		return 1
	}
	return 0
}

// flagValue returns the value of the tool flag -name in args, given as
// "-name value" or "-name=value", or "".
func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == "-"+name && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, "-"+name+"="); ok {
			return v
		}
	}
	return ""
}

// setFlag replaces the value of -name in args with v.
func setFlag(args []string, name, v string) bool {
	for i, a := range args {
		if a == "-"+name && i+1 < len(args) {
			args[i+1] = v
			return true
		}
		if strings.HasPrefix(a, "-"+name+"=") {
			args[i] = "-" + name + "=" + v
			return true
		}
	}
	return false
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "-"+name || a == "-"+name+"=true" {
			return true
		}
	}
	return false
}

// importPath is the package the go command is building, without the
// " [p.test]" suffix of a test variant.
func importPath() string {
	p := os.Getenv("TOOLEXEC_IMPORTPATH")
	if i := strings.Index(p, " ["); i >= 0 {
		p = p[:i]
	}
	return p
}

// testBinaryOf returns p when the go command is building for the test
// binary of package p: TOOLEXEC_IMPORTPATH is "x [p.test]" for a package
// compiled for it and "p.test" for its main package.
func testBinaryOf() string {
	p := os.Getenv("TOOLEXEC_IMPORTPATH")
	if i := strings.Index(p, " ["); i >= 0 && strings.HasSuffix(p, ".test]") {
		return strings.TrimSuffix(p[i+2:], ".test]")
	}
	if t, ok := strings.CutSuffix(p, ".test"); ok {
		return t
	}
	return ""
}

// testmainFile returns the generated test main among the files of the
// test binary's main package (path "p.test"): _testmain.go, or with
// -cover, the cover tool's _testmain.cover.go beside covervars.go.
func testmainFile(path string, files []string) string {
	if !strings.HasSuffix(path, ".test") {
		return ""
	}
	for _, f := range files {
		if b := filepath.Base(f); b == "_testmain.go" || b == "_testmain.cover.go" {
			return f
		}
	}
	return ""
}

// withoutMarker returns the compile command line without gocsan's
// selection marker, of either verbosity (see Config.Marked), and whether
// it was there.
func withoutMarker(args []string) ([]string, bool) {
	i := slices.IndexFunc(args, func(a string) bool { return a == selectedMarker || a == verboseMarker })
	if i < 0 {
		return args, false
	}
	return slices.Delete(slices.Clone(args), i, i+1), true
}

// compileArgs returns the compile command line with the package's files
// replaced by their instrumented versions when the package is selected,
// and with the runtime added to its importcfg.
func compileArgs(args []string, cfg *Config, rw Rewriter) ([]string, error) {
	args, marked := withoutMarker(args)
	if hasFlag(args, "std") && importPath() != "testing" {
		return args, nil
	}
	// The files are the trailing arguments: cmd/go puts every flag first.
	first := len(args)
	for first > 1 && strings.HasSuffix(args[first-1], ".go") {
		first--
	}
	files := args[first:]
	if len(files) == 0 {
		return args, nil
	}
	out := flagValue(args, "o")
	importcfg := flagValue(args, "importcfg")
	if out == "" || importcfg == "" {
		return args, nil
	}
	workDir := filepath.Join(filepath.Dir(out), "gocsan")
	path := importPath()
	if t := testBinaryOf(); t != "" && cfg.excluded(t) {
		// The tests of the runtime or of a package it imports link that
		// package's test variant, which the runtime's archive was not
		// compiled against: such a binary gets no instrumentation at all
		// and runs as under plain go test.
		return args, nil
	}
	changed := map[string][]byte{}
	var warnings []string
	if path == "testing" {
		var err error
		if changed, err = raceHookFiles(files); err != nil {
			return nil, err
		}
	} else if tm := testmainFile(path, files); tm != "" {
		src, err := os.ReadFile(tm)
		if err != nil {
			return nil, err
		}
		nsrc, err := rewriteTestmain(tm, src)
		if err != nil {
			return nil, err
		}
		changed[tm] = nsrc
	} else if rw != nil && cfg.instruments(path, marked) {
		lang := flagValue(args, "lang")
		var err error
		changed, warnings, err = rw.Rewrite(Package{ImportPath: path, ImportCfg: importcfg, GoVersion: lang}, files)
		if err != nil {
			// The compiler's own errors, at the original positions, say
			// more than ours would; it gets the files unchanged.
			fmt.Fprintf(os.Stderr, "gocsan: warning: %s left uninstrumented: %v\n", path, err)
			return args, nil
		}
	}
	// Per site: bench/realworld matches them against the races it
	// expects; with -v, also one line counting them by reason.
	for _, w := range warnings {
		fmt.Fprintf(os.Stderr, "gocsan: warning: %s\n", w)
	}
	if line := skippedLine(path, warnings); line != "" && cfg.Verbose {
		fmt.Fprintln(os.Stderr, line)
	}
	if len(changed) == 0 {
		return args, nil
	}
	if rw != nil {
		for _, p := range rw.AddedImports() {
			if p != "unsafe" && cfg.Archives[p] == "" {
				return nil, fmt.Errorf("instrumented code imports %s, for which the build has no archive", p)
			}
		}
	}
	if err := os.MkdirAll(workDir, 0o755); err != nil {
		return nil, err
	}
	args = append([]string(nil), args...)
	used := map[string]bool{}
	for i := first; i < len(args); i++ {
		src, ok := changed[args[i]]
		if !ok {
			continue
		}
		name := filepath.Base(args[i])
		for n := 1; used[name]; n++ {
			name = fmt.Sprintf("%d_%s", n, filepath.Base(args[i]))
		}
		used[name] = true
		dst := filepath.Join(workDir, name)
		if err := os.WriteFile(dst, src, 0o644); err != nil {
			return nil, err
		}
		args[i] = dst
	}
	newcfg := filepath.Join(workDir, "importcfg")
	if err := extendImportcfg(importcfg, newcfg, cfg.Archives); err != nil {
		return nil, err
	}
	setFlag(args, "importcfg", newcfg)
	return args, nil
}

// linkArgs adds the runtime and its dependencies to the linker's
// importcfg. Entries the go command wrote already are kept, so a program
// that imports the runtime itself links the copy its build made.
func linkArgs(args []string, cfg *Config) ([]string, error) {
	importcfg := flagValue(args, "importcfg")
	if importcfg == "" {
		return args, nil
	}
	newcfg := importcfg + ".gocsan"
	if err := extendImportcfg(importcfg, newcfg, cfg.Archives); err != nil {
		return nil, err
	}
	args = append([]string(nil), args...)
	setFlag(args, "importcfg", newcfg)
	return args, nil
}

// skippedLine summarizes the rewriter's warnings about a package (one
// "file:line:col: gocsan: reason" per site left uninstrumented) in one
// line, counted by reason, most frequent first; "" when there are none.
func skippedLine(path string, warnings []string) string {
	if len(warnings) == 0 {
		return ""
	}
	counts := map[string]int{}
	for _, w := range warnings {
		reason := w
		if _, r, ok := strings.Cut(w, ": gocsan: "); ok {
			reason = r
		}
		counts[reason]++
	}
	reasons := make([]string, 0, len(counts))
	for r := range counts {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool {
		a, b := reasons[i], reasons[j]
		if counts[a] != counts[b] {
			return counts[a] > counts[b]
		}
		return a < b
	})
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = fmt.Sprintf("%d %s", counts[r], r)
	}
	return fmt.Sprintf("gocsan: %s: %d sites not instrumented: %s", path, len(warnings), strings.Join(parts, "; "))
}
