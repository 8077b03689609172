// Command gocsan is the Go Concurrency Sanitizer's command line: it wraps
// the go command to build and test with instrumentation, converts and
// filters reports, and collects reports from KCSAN kernels.
package main

import (
	"fmt"
	"os"
	"sort"
)

// A command is one subcommand. Each lives in its own file and registers
// itself in an init function, so subcommands can be added without touching
// this file.
type command struct {
	summary string
	// run executes the subcommand with the arguments after its name and
	// returns the process exit code. Usage errors return 2, as the go
	// command does.
	run func(args []string) int
}

var commands = map[string]command{}

func register(name, summary string, run func(args []string) int) {
	if _, dup := commands[name]; dup {
		panic("gocsan: duplicate command " + name)
	}
	commands[name] = command{summary: summary, run: run}
}

func usage() {
	fmt.Fprintf(os.Stderr, "gocsan is the Go Concurrency Sanitizer.\n\nUsage:\n\n\tgocsan <command> [arguments]\n\nThe commands are:\n\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "\t%-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(os.Stderr, "\nUse \"gocsan <command> -h\" for more information about a command.\n")
}

func main() {
	os.Exit(dispatch(os.Args[1:]))
}

func dispatch(args []string) int {
	if len(args) == 0 {
		usage()
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage()
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "gocsan %s: unknown command\nRun 'gocsan help' for usage.\n", args[0])
		return 2
	}
	return cmd.run(args[1:])
}
