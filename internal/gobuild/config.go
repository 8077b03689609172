package gobuild

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// RuntimePath is the import path of the engine instrumented code calls.
const RuntimePath = "github.com/gocsan/gocsan/runtime"

// ConfigEnv names the environment variable through which the driver hands
// the path of its Config file to the toolexec processes the go command
// starts.
const ConfigEnv = "GOCSAN_TOOLEXEC_CONFIG"

// Config is what the driver decided for one build and every toolexec
// process of it needs: which packages to instrument and where the
// runtime's archives are.
type Config struct {
	// MainModules are the module paths whose packages are instrumented by
	// default (several in a go.work workspace).
	MainModules []string `json:"main_modules"`
	// Instrument lists further import paths to instrument (the expansion
	// of -instrument=PATTERNS).
	Instrument []string `json:"instrument"`
	// Exclude lists import paths never instrumented: the runtime and
	// every non-standard package it imports (instrumenting one would make
	// an import cycle).
	Exclude []string `json:"exclude"`
	// Archives maps the runtime and each of its transitive dependencies
	// to its export archive, built with the user's build flags.
	Archives map[string]string `json:"archives"`
	// Marked says the selection travels with each package: the driver
	// passes -gcflags=PATTERN=-gocsan.selected for every selected
	// pattern, the go command puts that flag into the selected
	// packages' cache keys (and only theirs), and toolexec instruments
	// exactly the packages whose compile carries it. The ToolID then
	// leaves the selection out, so a change of selection (another
	// module, another -instrument, other named packages) recompiles only
	// the packages whose instrumentation changed, not the standard
	// library and every dependency. Without it (the user gave -gcflags,
	// whose per-package patterns do not merge with ours) the selection
	// is part of the ToolID.
	Marked bool `json:"marked"`
	// ToolID is the suffix added to the compiler's and linker's -V=full
	// output. It hashes the gocsan binary, the runtime sources and the
	// fields above that change compiled code.
	ToolID string `json:"tool_id"`
	// Verbose is set for -v and -x: each instrumented package's compile
	// prints one line counting the sites left uninstrumented, by reason.
	// The build cache replays a compile's output, so the verbosity is in
	// the cache key of every instrumented package: in its marker when
	// the selection is Marked (the standard library and uninstrumented
	// packages keep their keys), in the ToolID otherwise.
	Verbose bool `json:"verbose"`
}

// selectedMarker is the compiler flag that marks a selected package's
// compile (see Config.Marked). toolexec removes it before the compiler
// runs; a compiler that got it would fail, so it cannot pass silently.
const selectedMarker = "-gocsan.selected"

// verboseMarker is selectedMarker for a Verbose build.
const verboseMarker = "-gocsan.selected.verbose"

// marker returns the selection marker of this build.
func (c *Config) marker() string {
	if c.Verbose {
		return verboseMarker
	}
	return selectedMarker
}

// markerFlags returns the go command flags that mark the selected
// packages: one -gcflags per main module (PATH/... matches PATH and
// below), per further instrumented package, and for files named on the
// command line, the same predicate as selected.
func (c *Config) markerFlags() []string {
	marker := c.marker()
	flags := []string{"-gcflags=command-line-arguments=" + marker}
	for _, m := range c.MainModules {
		flags = append(flags, "-gcflags="+m+"/...="+marker)
	}
	for _, p := range c.Instrument {
		flags = append(flags, "-gcflags="+p+"="+marker)
	}
	return flags
}

// computeToolID sets c.ToolID from the gocsan binary's hash, a hash of the
// runtime's sources and, unless the selection is Marked, the package
// selection and the verbosity. Archive paths are left
// out: they name cache entries and say nothing new once the runtime
// source and the build flags (already in the go command's own keys) are
// fixed.
func (c *Config) computeToolID(binaryHash, runtimeHash string) {
	h := sha256.New()
	fmt.Fprintf(h, "gocsan toolexec v1\nbinary %s\nruntime %s\n", binaryHash, runtimeHash)
	lists := [][]string{c.Exclude}
	if !c.Marked {
		fmt.Fprintf(h, "verbose %v\n", c.Verbose)
		lists = append(lists, c.MainModules, c.Instrument)
	}
	for _, list := range lists {
		l := append([]string(nil), list...)
		sort.Strings(l)
		fmt.Fprintf(h, "%q\n", l)
	}
	c.ToolID = "gocsan-" + hex.EncodeToString(h.Sum(nil))[:24]
}

func (c *Config) write(path string) error {
	b, err := json.MarshalIndent(c, "", "\t")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func loadConfig() (*Config, error) {
	path := os.Getenv(ConfigEnv)
	if path == "" {
		return nil, fmt.Errorf("%s is not set: gocsan toolexec is run by the go command on behalf of gocsan build, test or run", ConfigEnv)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c := new(Config)
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return c, nil
}

// excluded reports whether p is the runtime or one of its dependencies.
func (c *Config) excluded(p string) bool {
	for _, e := range c.Exclude {
		if p == e {
			return true
		}
	}
	return false
}

// instruments reports whether the compile of the package with import
// path p (an external test package's ends in _test) is instrumented,
// marked telling whether it carried the selection marker.
func (c *Config) instruments(p string, marked bool) bool {
	if c.Marked {
		return marked && !c.excluded(p)
	}
	return c.selected(p) || c.selected(strings.TrimSuffix(p, "_test"))
}

// selected reports whether the package with import path p (as in
// TOOLEXEC_IMPORTPATH, without the " [p.test]" suffix) is instrumented.
func (c *Config) selected(p string) bool {
	if c.excluded(p) {
		return false
	}
	if p == "command-line-arguments" {
		// Files named on the command line (go run main.go) are the
		// user's own.
		return true
	}
	for _, m := range c.MainModules {
		if p == m || strings.HasPrefix(p, m+"/") {
			return true
		}
	}
	for _, q := range c.Instrument {
		if p == q {
			return true
		}
	}
	return false
}
