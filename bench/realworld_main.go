package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/gocsan/gocsan/bench/realworld"
)

// runRealworld runs the real-world corpus (or, with -from, renders a
// saved run) and writes the text table, the JSON file and the Markdown
// section the flags ask for.
func runRealworld(root string) error {
	var res *realworld.Results
	var runErr error
	if *rwFrom != "" {
		var err error
		if res, err = realworld.ReadJSON(*rwFrom); err != nil {
			return err
		}
	} else {
		o := realworld.Options{
			Corpus:  filepath.Join(root, "bench", "realworld", "corpus"),
			N:       *rwN,
			Timeout: *rwTimeout,
			Cold:    *rwCold,
			Command: "go run ./bench " + strings.Join(os.Args[1:], " "),
			Log:     os.Stderr,
		}
		for _, c := range strings.Split(*rwCorpus, ",") {
			switch strings.TrimSpace(c) {
			case "races":
				o.Races = true
			case "compat":
				o.Compat = true
			default:
				return fmt.Errorf("-corpus: unknown corpus %q (known: races, compat)", c)
			}
		}
		if *rwSelect != "" {
			re, err := regexp.Compile(*rwSelect)
			if err != nil {
				return fmt.Errorf("-run: %v", err)
			}
			o.Select = re
		}
		for _, p := range strings.Split(*rwProcs, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil || n < 1 {
				return fmt.Errorf("-gomaxprocs: %q is not a positive number", p)
			}
			o.GOMAXPROCS = append(o.GOMAXPROCS, n)
		}
		tmp, err := os.MkdirTemp("", "gocsan-realworld-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		o.Tmp = tmp
		o.Gocsan = filepath.Join(tmp, "gocsan")
		if err := run(root, nil, "go", "build", "-o", o.Gocsan, "./cmd/gocsan"); err != nil {
			return err
		}
		// On an unreachable proxy, what was measured before is still
		// printed and written, then the error is returned.
		if res, runErr = realworld.Run(o); res == nil {
			return runErr
		}
	}
	realworld.WriteText(os.Stdout, res)
	if *rwJSON != "" {
		if err := realworld.WriteJSON(*rwJSON, res); err != nil {
			return err
		}
	}
	if *rwMarkdown != "" {
		if err := realworld.UpdateMarkdown(*rwMarkdown, res); err != nil {
			return err
		}
	}
	return runErr
}
