package main

import (
	"os"

	"github.com/gocsan/gocsan/internal/gobuild"
)

// gocsan test, build and run wrap the go command of the same name; the
// machinery is in internal/gobuild.

func init() {
	gobuild.ToolVersion = versionName()
	register("test", "run go test with race detection: gocsan test [-profile=default|ci] [-instrument=patterns] [go test flags] [packages]",
		func(args []string) int { return gobuild.Run("test", args, os.Stdout, os.Stderr) })
	register("build", "run go build with instrumentation: gocsan build [-instrument=patterns] [go build flags] [packages]",
		func(args []string) int { return gobuild.Run("build", args, os.Stdout, os.Stderr) })
	register("run", "run go run with race detection: gocsan run [-profile=default|ci] [-instrument=patterns] [go run flags] package [arguments]",
		func(args []string) int { return gobuild.Run("run", args, os.Stdout, os.Stderr) })
}
