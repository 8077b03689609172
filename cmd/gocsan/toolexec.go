package main

import (
	"github.com/gocsan/gocsan/instrument"
	"github.com/gocsan/gocsan/internal/gobuild"
)

// "gocsan toolexec" is what gocsan test, build and run pass to the go
// command as -toolexec; users do not run it themselves.

func init() {
	register("toolexec", "(internal) the go command's -toolexec for gocsan test, build and run",
		func(args []string) int { return gobuild.Toolexec(args, rewriter{}) })
}

// rewriter adapts package instrument to gobuild.Rewriter.
type rewriter struct{}

func (rewriter) Rewrite(pkg gobuild.Package, files []string) (map[string][]byte, []string, error) {
	res, err := instrument.Package(config(pkg), files)
	if err != nil {
		return nil, nil, err
	}
	return res.Files, res.Warnings, nil
}

func (rewriter) AddedImports() []string {
	return instrument.AddedImports(config(gobuild.Package{}))
}

func config(pkg gobuild.Package) instrument.Config {
	return instrument.Config{
		ImportPath:        pkg.ImportPath,
		ImportCfg:         pkg.ImportCfg,
		GoVersion:         pkg.GoVersion,
		RuntimeImportPath: gobuild.RuntimePath,
	}
}
