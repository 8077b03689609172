package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
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
		if res, err = realworld.Combine(strings.Split(*rwFrom, ",")); err != nil {
			return err
		}
		if *rwJSON != "" {
			if err := realworld.WriteJSON(*rwJSON, res); err != nil {
				return err
			}
		}
	} else {
		o := realworld.Options{
			Corpus:  filepath.Join(root, "bench", "realworld", "corpus"),
			N:       *rwN,
			Timeout: *rwTimeout,
			Cold:    *rwCold,
			Command: "go run ./bench " + strings.Join(os.Args[1:], " "),
			Commit:  gitCommit(root),
			Log:     os.Stderr,
		}
		if *rwJSON != "" {
			o.Save = func(res *realworld.Results) error { return realworld.WriteJSON(*rwJSON, res) }
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
		if *rwJSON != "" {
			if err := realworld.WriteJSON(*rwJSON, res); err != nil {
				return err
			}
			// The tables name the file the results are in.
			if res, err = realworld.Combine([]string{*rwJSON}); err != nil {
				return err
			}
		}
	}
	realworld.WriteText(os.Stdout, res)
	if *rwMarkdown != "" {
		if err := realworld.UpdateMarkdown(*rwMarkdown, res); err != nil {
			return err
		}
	}
	return runErr
}

// gitCommit names the checkout gocsan is built from: the commit, with
// "+dirty" when the work tree has changes other than results files; ""
// outside git.
func gitCommit(root string) string {
	out, err := exec.Command("git", "-C", root, "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return ""
	}
	commit := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "-C", root, "status", "--porcelain", "--", ".", ":!bench/realworld/results").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		commit += "+dirty"
	}
	return commit
}
