package gobuild

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gocsan/gocsan/report"
)

// Run runs "go sub" (build, test or run) with gocsan's instrumentation
// and returns the exit code: the go command's when it failed, 1 when it
// succeeded but races were reported, 2 for a usage error.
func Run(sub string, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		usage(sub, stderr)
		return 0
	}
	inv, err := splitArgs(sub, args)
	if err != nil {
		fmt.Fprintf(stderr, "gocsan %s: %v\n", sub, err)
		return 2
	}
	if err := checkGOFLAGS(os.Getenv("GOFLAGS")); err != nil {
		fmt.Fprintf(stderr, "gocsan %s: %v\n", sub, err)
		return 2
	}
	profileName, hasProfile := inv.gocsan["profile"]
	if !hasProfile {
		profileName = "default"
	}
	profile, err := lookupProfile(profileName)
	if err != nil {
		fmt.Fprintf(stderr, "gocsan %s: -profile: %v\n", sub, err)
		return 2
	}
	if sub == "build" && hasProfile {
		fmt.Fprintf(stderr, "gocsan build: -profile applies when a program runs; set GOCSAN when running the binary (profile %s is GOCSAN=%q)\n", profile.Name, profile.Options)
		return 2
	}
	if _, ok := inv.gocsan["baseline"]; ok && sub != "test" {
		fmt.Fprintf(stderr, "gocsan %s: -baseline applies to gocsan test only; for saved reports use gocsan report -baseline\n", sub)
		return 2
	}
	code, err := drive(sub, inv, profile, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "gocsan %s: %v\n", sub, err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

func drive(sub string, inv *invocation, profile Profile, stdout, stderr io.Writer) (int, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return 1, err
	}
	self, err := os.Executable()
	if err != nil {
		return 1, err
	}
	dir := inv.dir
	if dir == "" {
		dir = "."
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return 1, err
	}
	userCache, err := os.UserCacheDir()
	if err != nil {
		return 1, fmt.Errorf("no cache directory for gocsan: %v", err)
	}
	cacheDir := filepath.Join(userCache, "gocsan")
	user := goCmd{goBin: goBin, dir: dir, env: os.Environ()}

	rs, err := runtimeArchives(user, inv.forward, cacheDir)
	if err != nil {
		return 1, err
	}
	cfg := &Config{Archives: rs.Archives, Exclude: rs.NonStd}
	if out, err := user.output("list", "-m", "-f", "{{.Path}}"); err == nil {
		cfg.MainModules = strings.Fields(string(out))
	}
	if pats := inv.gocsan["instrument"]; pats != "" {
		list := append([]string{"list", "-f", "{{.ImportPath}}"}, inv.forward...)
		list = append(list, strings.Split(pats, ",")...)
		out, err := user.output(list...)
		if err != nil {
			return 2, fmt.Errorf("-instrument=%s: %v", pats, err)
		}
		cfg.Instrument = strings.Fields(string(out))
	}
	named, err := namedPackages(user, inv)
	if err != nil {
		return 2, err
	}
	cfg.Instrument = append(cfg.Instrument, named...)
	cfg.Verbose = inv.verbose()
	if inv.verbose() {
		if err := listInstrumented(user, sub, inv, cfg, stderr); err != nil {
			return 1, err
		}
	}
	cfg.Marked = !inv.hasGcflags() && !goflagsSetGcflags(os.Getenv("GOFLAGS"))
	binHash, err := fileHash(self)
	if err != nil {
		return 1, err
	}
	cfg.computeToolID(binHash, rs.Hash)

	tmp, err := os.MkdirTemp("", "gocsan-run-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(tmp)
	cfgFile := filepath.Join(tmp, "config.json")
	if err := cfg.write(cfgFile); err != nil {
		return 1, err
	}

	env := setEnv(os.Environ(), ConfigEnv, cfgFile)
	var jsonPath string
	var jsonOffset int64
	ci := &ciRun{inv: inv, stdout: stdout, stderr: stderr}
	if sub != "build" {
		// Every process of the run appends its reports to one file. Its
		// path is stable for the same command in the same directory:
		// GOCSAN is part of go test's cache key, and a path that changed
		// every run would defeat "(cached)". Files outside the module are
		// not part of that key, so the file may be truncated freely.
		userOpts := os.Getenv("GOCSAN")
		runDir := filepath.Join(cacheDir, "runs", runKey(dir, sub, inv))
		if err := os.MkdirAll(runDir, 0o755); err != nil {
			return 1, err
		}
		jsonPath = filepath.Join(runDir, "reports.jsonl")
		textPath := filepath.Join(runDir, "reports.txt")
		layers := []string{profile.Options, "json_path=" + jsonPath, "log_path=" + textPath, "", userOpts}
		for _, f := range []string{jsonPath, textPath} {
			if err := os.Truncate(f, 0); err != nil && !errors.Is(err, os.ErrNotExist) {
				return 1, err
			}
		}
		if p, ok := optionValue(userOpts, "json_path"); ok && p != "" {
			// The user's own file is appended to, never truncated: read
			// what this run adds.
			jsonPath = p
			if fi, err := os.Stat(p); err == nil {
				jsonOffset = fi.Size()
			}
		}
		// The CI outputs follow the file the processes actually write.
		if ci, err = startCI(sub, inv, runDir, jsonPath, dir, stdout, stderr); err != nil {
			return 2, err
		}
		layers[3] = ci.layer
		env = setEnv(env, "GOCSAN", mergeOptions(layers...))
	}

	toolexec := quoteArg(self) + " toolexec"
	goArgs := []string{sub}
	if inv.dir != "" {
		// -C must come first.
		goArgs = append(goArgs, "-C", inv.dir)
	}
	goArgs = append(goArgs, "-toolexec="+toolexec)
	if cfg.Marked {
		goArgs = append(goArgs, cfg.markerFlags()...)
	}
	if ci.addJSON {
		goArgs = append(goArgs, "-json")
	}
	if inv.cover && !inv.coverMode {
		// The default "set" mode updates the coverage counters with plain
		// writes from every goroutine, which gocsan would rightly report;
		// go test -race switches to atomic counters for the same reason.
		goArgs = append(goArgs, "-covermode=atomic")
	}
	goArgs = append(goArgs, withoutC(inv.goArgs)...)
	cmd := exec.Command(goBin, goArgs...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, ci.goStdout(), stderr
	code := 0
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return 1, err
		}
		code = ee.ExitCode()
	}
	if jsonPath == "" {
		return code, nil
	}
	out := stdout
	if inv.json {
		out = stderr
	}
	unique, err := printReports(out, stderr, jsonPath, jsonOffset)
	if err != nil {
		return 1, err
	}
	// Every race is printed; with -baseline the outputs and the exit
	// code count the new ones only.
	unique, code = ci.applyBaseline(unique, code)
	if err := writeOutputs(inv.gocsan, unique); err != nil {
		return 1, err
	}
	if err := ci.finish(unique); err != nil {
		return 1, err
	}
	races := len(unique)
	if code == 0 && races > 0 {
		code = 1
	}
	return code, nil
}

// runKey names the report directory of one command line in one directory.
func runKey(dir, sub string, inv *invocation) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%q\x00%q", dir, sub, inv.goArgs, inv.gocsan)
	return hex.EncodeToString(h.Sum(nil))[:24]
}

func withoutC(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-C" || a == "--C" {
			i++
			continue
		}
		if strings.HasPrefix(a, "-C=") || strings.HasPrefix(a, "--C=") {
			continue
		}
		out = append(out, a)
	}
	return out
}

// quoteArg quotes s for the go command's -toolexec, which splits its
// value on spaces unless quoted.
func quoteArg(s string) string {
	if !strings.ContainsAny(s, " \t'\"") {
		return s
	}
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	return `"` + s + `"`
}

// printReports reads the reports the run's processes appended to path,
// from offset on, prints each distinct one once and a summary line, and
// returns the distinct reports.
func printReports(out, errw io.Writer, path string, offset int64) ([]*report.Report, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	reports, errs := report.ReadJSON(f, path)
	f.Close()
	for _, e := range errs {
		fmt.Fprintf(errw, "gocsan: warning: %v\n", e)
	}
	if len(reports) == 0 {
		return nil, nil
	}
	unique, counts := report.Dedup(reports)
	pkgs := map[string]bool{}
	for i, r := range unique {
		if err := report.WriteText(out, r); err != nil {
			return nil, err
		}
		if counts[i] > 1 {
			fmt.Fprintf(out, "(reported %d times)\n", counts[i])
		}
		pkgs[r.Package] = true
	}
	names := make([]string, 0, len(pkgs))
	for p := range pkgs {
		names = append(names, p)
	}
	sort.Strings(names)
	fmt.Fprintf(out, "gocsan: %s in %s (%s)\n", plural(len(unique), "race"), plural(len(pkgs), "package"), strings.Join(names, ", "))
	return unique, nil
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// usage prints gocsan's own flags and the profiles; the go command's
// flags are in "go help " + sub.
func usage(sub string, w io.Writer) {
	fmt.Fprintf(w, "usage: gocsan %s [gocsan flags] [go %s flags and arguments]\n\n", sub, sub)
	fmt.Fprintf(w, "Runs go %s with gocsan's instrumentation; every argument that is not a\ngocsan flag goes to the go command (see 'go help %s').\n\ngocsan flags:\n", sub, sub)
	names := make([]string, 0, len(gocsanFlags))
	for n := range gocsanFlags {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  -%s\n\t%s\n", n, gocsanFlags[n])
	}
	fmt.Fprintf(w, "\nprofiles (GOCSAN fields of your own override them):\n")
	for _, p := range Profiles {
		fmt.Fprintf(w, "  %-8s GOCSAN=%q\n\t%s\n", p.Name, p.Options, p.Doc)
	}
}
