package outputs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"

	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/ghactions"
	"github.com/gocsan/gocsan/report/htmlreport"
	"github.com/gocsan/gocsan/report/junit"
	"github.com/gocsan/gocsan/report/sarif"
	"github.com/gocsan/gocsan/report/testjson"
)

// Options name the outputs to write; empty paths are not written.
type Options struct {
	SARIF string // -sarif=FILE
	JUnit string // -junit=FILE
	HTML  string // -html=FILE
	// Root is the repository root for relative paths (default: the
	// current directory).
	Root string
	// SARIFCategory tells apart SARIF uploads of different jobs.
	SARIFCategory string
	// ToolVersion is gocsan's version for SARIF, if known.
	ToolVersion string
	// Stdout receives GitHub Actions annotations; nil means os.Stdout.
	Stdout io.Writer
	// Getenv reads GITHUB_ACTIONS, GITHUB_WORKSPACE and
	// GITHUB_STEP_SUMMARY; nil means os.Getenv. Annotations and the job
	// summary are written only under GitHub Actions.
	Getenv func(string) string
}

// Write deduplicates reports and writes every output opt names. events
// are the run's go test -json events (testjson.Stream.Events or
// testjson.ReadEvents; nil when there are none). Every output is
// attempted; the errors are joined.
func Write(opt Options, events []testjson.Event, reports []*report.Report) error {
	if opt.Root == "" {
		if wd, err := os.Getwd(); err == nil {
			opt.Root = wd
		}
	}
	if opt.Stdout == nil {
		opt.Stdout = os.Stdout
	}
	if opt.Getenv == nil {
		opt.Getenv = os.Getenv
	}
	unique, counts := report.Dedup(reports)
	var errs []error
	if opt.SARIF != "" {
		root := sarifRoot(opt.Root, opt.Getenv("GITHUB_WORKSPACE"))
		errs = append(errs, writeFile(opt.SARIF, func(w io.Writer) error {
			return sarif.Write(w, unique, counts, sarif.Options{Root: root, ToolVersion: opt.ToolVersion, Category: opt.SARIFCategory})
		}))
	}
	if opt.JUnit != "" {
		errs = append(errs, writeFile(opt.JUnit, func(w io.Writer) error {
			return junit.Write(w, events, unique, junit.Options{GoVersion: goruntime.Version()})
		}))
	}
	if opt.HTML != "" {
		errs = append(errs, writeFile(opt.HTML, func(w io.Writer) error {
			return htmlreport.Write(w, unique, counts, htmlreport.Options{Root: opt.Root})
		}))
	}
	gh := ghactions.Options{}
	if opt.Getenv("GITHUB_WORKSPACE") == "" {
		gh.Root = opt.Root
	}
	errs = append(errs, ghactions.Publish(opt.Stdout, opt.Getenv, unique, counts, gh))
	return errors.Join(errs...)
}

// sarifRoot is the directory SARIF paths are relative to: under GitHub
// Actions the workspace (the repository's checkout, which code scanning
// resolves them against) when the run's root is inside it, as when the
// module is a subdirectory of the repository; else the run's root.
func sarifRoot(root, workspace string) string {
	if workspace == "" {
		return root
	}
	if rel, err := filepath.Rel(workspace, root); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return workspace
	}
	return root
}

// writeFile writes path through a temporary file in the same directory,
// so a reader never sees half a file.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %v", path, err)
	}
	return nil
}
