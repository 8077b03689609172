package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// JSON lines: one Report object per line, the fields as tagged on Report,
// Access and Frame (the schema is documented in README.md). Readers skip
// blank lines and stop with an error naming the line on anything else
// that is not a report, so a truncated last line (a process killed while
// writing) is reported, not silently dropped.

// MarshalLine returns r as one JSON line, newline included.
func MarshalLine(r *Report) ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ReadJSON reads JSON-lines reports from rd. name is used in errors.
// Lines that fail to parse are returned as errors in errs, and reading
// goes on: one garbled line never loses the reports around it.
func ReadJSON(rd io.Reader, name string) (reports []*Report, errs []error) {
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 64*1024), 64*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Bytes()
		if len(trimSpace(text)) == 0 {
			continue
		}
		r := new(Report)
		if err := json.Unmarshal(text, r); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: not a gocsan report: %v", name, line, err))
			continue
		}
		reports = append(reports, r)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s: %v", name, err))
	}
	return reports, errs
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
