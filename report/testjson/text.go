package testjson

import (
	"encoding/json"
	"io"
	"sync"
)

// TextWriter turns a go test -json stream back into go test's text
// output, for a driver that runs go test -json to get the test results
// (for JUnit) although the user did not ask for JSON. test2json streams
// carry every test's output, as with -v; without Verbose the writer
// prints, like gotestsum's standard-quiet format, the package lines and
// the whole output of each failed test when it fails ("=== RUN" line
// included, subtests before their parent), dropping that of passed and
// skipped tests; with Verbose, everything in order. Lines that are not
// JSON are printed as they are.
type TextWriter struct {
	Verbose bool

	mu      sync.Mutex
	w       io.Writer
	pending map[[2]string][]byte // (package, test) -> buffered output
	err     error
}

// NewTextWriter returns a TextWriter writing to w.
func NewTextWriter(w io.Writer, verbose bool) *TextWriter {
	return &TextWriter{Verbose: verbose, w: w, pending: map[[2]string][]byte{}}
}

// Event renders one line of go test -json output.
func (t *TextWriter) Event(line []byte) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var e Event
	if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
		if len(line) > 0 && line[len(line)-1] != '\n' {
			line = append(line[:len(line):len(line)], '\n')
		}
		return t.write(line)
	}
	if e.Test == "" || t.Verbose {
		if e.Action == "output" || e.Action == "build-output" {
			return t.write([]byte(e.Output))
		}
		return t.err
	}
	key := [2]string{e.Package, e.Test}
	switch e.Action {
	case "output":
		t.pending[key] = append(t.pending[key], e.Output...)
	case "fail":
		out := t.pending[key]
		delete(t.pending, key)
		return t.write(out)
	case "pass", "skip":
		delete(t.pending, key)
	}
	return t.err
}

// Race prints r's KCSAN text (the driver prints it once per race).
func (t *TextWriter) Race(text string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.write([]byte(text))
}

func (t *TextWriter) write(b []byte) error {
	if t.err == nil && len(b) > 0 {
		_, t.err = t.w.Write(b)
	}
	return t.err
}
