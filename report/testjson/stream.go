package testjson

import (
	"encoding/json"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/fingerprint"
)

// Stream writes a test2json stream with races merged in. Feed it every
// line of "go test -json" with Event and every report with Race, from
// any goroutines; each line is written whole.
type Stream struct {
	// OnPackageEnd, if set, is called with a package's import path just
	// before its final event (pass, fail or skip without a test) is
	// written. A test driver reads the reports file there and calls Race:
	// the package's test binary has exited, so its reports are complete,
	// and they land before the package's result as go test -race's do.
	OnPackageEnd func(pkg string)

	mu     sync.Mutex
	w      io.Writer
	err    error
	seen   map[string]bool
	events []Event
	races  int
	// tail and onError are set by Follow.
	tail    *Tail
	onError func(error)
}

// NewStream returns a Stream writing to w.
func NewStream(w io.Writer) *Stream {
	return &Stream{w: w, seen: make(map[string]bool)}
}

// Event passes one line of go test -json output through unchanged (a
// newline is added if missing) and remembers the event for Events.
func (s *Stream) Event(line []byte) error {
	var e Event
	parsed := len(line) > 0 && line[0] == '{' && json.Unmarshal(line, &e) == nil
	if parsed && e.Test == "" && e.Package != "" && e.Terminal() && s.OnPackageEnd != nil {
		s.OnPackageEnd(e.Package)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if parsed {
		s.events = append(s.events, e)
	}
	out := line
	if len(line) == 0 || line[len(line)-1] != '\n' {
		out = append(append(make([]byte, 0, len(line)+1), line...), '\n')
	}
	return s.write(out)
}

// Race adds r to the stream as output events of the test it is
// attributed to, unless a report of the same race (report.PairKey) was
// already added. It reports whether r was added.
func (s *Stream) Race(r *report.Report) (bool, error) {
	key := report.PairKey(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[key] {
		return false, s.err
	}
	s.seen[key] = true
	s.races++
	for _, e := range RaceEvents(r) {
		b, err := json.Marshal(e)
		if err != nil {
			return true, err
		}
		if err := s.write(append(b, '\n')); err != nil {
			return true, err
		}
	}
	return true, nil
}

// Events returns the events passed through so far (not the race events),
// for writers such as JUnit that need the test results.
func (s *Stream) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

// Races returns the number of distinct races added.
func (s *Stream) Races() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.races
}

func (s *Stream) write(b []byte) error {
	if s.err != nil {
		return s.err
	}
	_, s.err = s.w.Write(b)
	return s.err
}

// RaceEvents returns the test2json events that carry r: one output event
// per line of its KCSAN text, attributed with Attribute, timed at the
// report, the first one carrying the Gocsan description.
func RaceEvents(r *report.Report) []Event {
	pkg, test, how := attribute(r)
	// Local, as go test -json stamps its own events (the engine writes
	// reports' times in UTC).
	t := r.Time.Local()
	if r.Time.IsZero() {
		t = time.Now()
	}
	text := report.Text(r)
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	events := make([]Event, 0, len(lines))
	for i, l := range lines {
		e := Event{Time: t, Action: "output", Package: pkg, Test: test, Output: l}
		if i == 0 {
			e.Gocsan = &Race{Kind: string(r.Kind), Title: r.Title, Fingerprint: fingerprint.Of(r), Attributed: how}
		}
		events = append(events, e)
	}
	return events
}
