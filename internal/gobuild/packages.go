package gobuild

import (
	"fmt"
	"io"
	"strings"
)

// namedPackages returns the import paths of the packages named on the
// command line by import path or pattern (not by directory or file),
// outside the standard library. go test -race instruments a package it
// is asked to test wherever the package lives; gocsan does the same, so
// "gocsan test github.com/x/y/..." in a module that requires x/y checks
// x/y. Directories and files are inside the main module (the go command
// refuses others), whose packages are instrumented anyway.
func namedPackages(g goCmd, inv *invocation) ([]string, error) {
	var pats []string
	for _, p := range inv.packages {
		if strings.HasPrefix(p, ".") || strings.HasPrefix(p, "/") || strings.HasSuffix(p, ".go") || strings.Contains(p, "@") {
			continue
		}
		pats = append(pats, p)
	}
	if len(pats) == 0 {
		return nil, nil
	}
	// -e: a pattern that matches nothing or a package that does not load
	// is the go command's to report, in its own words, when it runs.
	args := append([]string{"list", "-e", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}"}, inv.forward...)
	out, err := g.output(append(args, pats...)...)
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}

// verbose reports whether the go command was asked to say what it does
// (-v or -x): gocsan then lists the packages it instruments.
func (inv *invocation) verbose() bool {
	for _, a := range inv.goArgs {
		if a == "-args" || a == "--args" || a == "--" {
			break
		}
		switch a {
		case "-v", "--v", "-v=true", "--v=true", "-x", "--x", "-x=true", "--x=true":
			return true
		}
	}
	return false
}

// listInstrumented writes one line per package of the build that cfg
// selects for instrumentation, in the go command's order. It is computed
// from the build's package graph rather than from the compiles, so
// packages the build cache supplies are listed too.
func listInstrumented(g goCmd, sub string, inv *invocation, cfg *Config, w io.Writer) error {
	args := []string{"list", "-deps", "-f", "{{.ImportPath}}"}
	if sub == "test" {
		args = append(args, "-test")
	}
	args = append(append(args, inv.forward...), inv.packages...)
	out, err := g.output(args...)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	n := 0
	for _, p := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		// -test lists "p [p.test]" variants and "p.test" mains.
		p, _, _ = strings.Cut(p, " ")
		if seen[p] || strings.HasSuffix(p, ".test") || !cfg.selected(p) {
			continue
		}
		seen[p] = true
		n++
		fmt.Fprintf(w, "gocsan: instrumenting %s\n", p)
	}
	fmt.Fprintf(w, "gocsan: instrumented packages: %d\n", n)
	return nil
}
