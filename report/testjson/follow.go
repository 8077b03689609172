package testjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/gocsan/gocsan/report"
)

// Tail reads the reports appended to a JSON-lines report file since the
// last call, complete lines only: the last line may still be being
// written by a running test binary.
type Tail struct {
	Path string

	off  int64
	line int // lines consumed, for error positions
}

// Next returns the reports of the lines completed since the last call,
// and an error for each line that is not a report, naming the file and
// line. A missing file is no reports yet.
func (t *Tail) Next() ([]*report.Report, []error) {
	f, err := os.Open(t.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, []error{err}
	}
	defer f.Close()
	if _, err := f.Seek(t.off, io.SeekStart); err != nil {
		return nil, []error{err}
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, []error{fmt.Errorf("%s: %v", t.Path, err)}
	}
	end := bytes.LastIndexByte(data, '\n')
	if end < 0 {
		return nil, nil
	}
	data = data[:end+1]
	t.off += int64(len(data))
	var reports []*report.Report
	var errs []error
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		t.line++
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		r := new(report.Report)
		if err := json.Unmarshal(line, r); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: not a gocsan report: %v", t.Path, t.line, err))
			continue
		}
		reports = append(reports, r)
	}
	return reports, errs
}

// Follow makes the stream add the races of the reports file path: before
// each package's final event (see OnPackageEnd), and at Flush. Errors
// reading the file go to onError, if set.
func (s *Stream) Follow(path string, onError func(error)) {
	t := &Tail{Path: path}
	s.mu.Lock()
	s.tail, s.onError = t, onError
	s.mu.Unlock()
	s.OnPackageEnd = func(string) { s.drain() }
}

// Flush adds the races reported since the last package ended: those of
// packages whose final event never came (a build failure, a killed go
// command) or that raced after it. Call it when go test has exited.
func (s *Stream) Flush() error {
	s.drain()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *Stream) drain() {
	s.mu.Lock()
	t, onError := s.tail, s.onError
	s.mu.Unlock()
	if t == nil {
		return
	}
	reports, errs := t.Next()
	for _, err := range errs {
		if onError != nil {
			onError(err)
		}
	}
	for _, r := range reports {
		s.Race(r)
	}
}
