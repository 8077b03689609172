package testjson

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Event is one test2json event (go doc cmd/test2json), with gocsan's
// extension field. Build events of "go test -json" carry ImportPath
// instead of Package.
type Event struct {
	Time        time.Time `json:",omitzero"`
	Action      string
	Package     string  `json:",omitempty"`
	ImportPath  string  `json:",omitempty"`
	Test        string  `json:",omitempty"`
	Elapsed     float64 `json:",omitempty"`
	Output      string  `json:",omitempty"`
	FailedBuild string  `json:",omitempty"`
	// Gocsan is set on the first event of each race gocsan adds.
	Gocsan *Race `json:",omitempty"`
}

// Race describes the race whose report text the following output events
// of the same package and test carry.
type Race struct {
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	Fingerprint string `json:"fingerprint"`
	// Attributed is "stack" when the test was found in a racing
	// goroutine's stack, "creator" when found where the goroutine was
	// created, "driver" when the test driver named it in the report, ""
	// when the race could not be tied to a test.
	Attributed string `json:"attributed,omitempty"`
}

// Terminal reports whether the action ends a test or, with Test empty, a
// package.
func (e *Event) Terminal() bool {
	switch e.Action {
	case "pass", "fail", "skip":
		return true
	}
	return false
}

// ReadEvents reads a saved "go test -json" stream. Lines that are not
// JSON objects (the go command prints some plain text, for example when
// a build fails before test2json runs) are skipped; lines that look like
// JSON but do not parse are returned as errors naming name and the line.
func ReadEvents(rd io.Reader, name string) ([]Event, []error) {
	var events []Event
	var errs []error
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 64*1024), 64*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(b) == 0 || b[0] != '{' {
			continue
		}
		var e Event
		if err := json.Unmarshal(b, &e); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: not a test2json event: %v", name, line, err))
			continue
		}
		events = append(events, e)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s: %v", name, err))
	}
	return events, errs
}
