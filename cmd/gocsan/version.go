package main

import (
	"fmt"
	"io"
	"os"
	goruntime "runtime"
	"runtime/debug"
	"strings"
)

// version names a build made outside the module system, set at link
// time (-ldflags=-X main.version=...): the container image passes its
// git description, the GitHub Action its ref. Empty otherwise; go
// install's module version and the VCS stamp are read from the binary.
var version string

func init() {
	register("version", "print gocsan's version, the Go toolchain it was built with and its source revision",
		func(args []string) int { return versionMain(args, os.Stdout, os.Stderr) })
}

func versionMain(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "usage: gocsan version\n")
		return 2
	}
	fmt.Fprintln(stdout, versionLine())
	return 0
}

// versionName is the name of this build: the link-time version, else
// the module version go install recorded, else "" (a source tree's
// "(devel)" names nothing). SARIF's tool version and the first word of
// gocsan version both come from it.
func versionName() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return ""
}

// versionLine is "gocsan NAME (details)": NAME is versionName or
// "(devel)"; the details are the Go version, the platform and, when the
// build recorded them, a module version other than NAME and the VCS
// revision.
func versionLine() string {
	name := versionName()
	details := []string{goruntime.Version(), goruntime.GOOS + "/" + goruntime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if mod := bi.Main.Version; mod != "" && mod != "(devel)" && mod != name {
			details = append(details, "module "+mod)
		}
		var rev, modified string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if rev != "" {
			if modified == "true" {
				rev += " (modified)"
			}
			details = append(details, "revision "+rev)
		}
	}
	if name == "" {
		name = "(devel)"
	}
	return "gocsan " + name + " (" + strings.Join(details, ", ") + ")"
}
