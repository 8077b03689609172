package report

import (
	"io"

	"github.com/gocsan/gocsan/runtime/record"
)

// Separator is the line that opens and closes every text report (66 '=',
// as KCSAN prints).
var Separator = record.Separator

// WriteText writes r in KCSAN's layout, adapted to Go: goroutines instead
// of tasks and CPUs, and each frame as a function followed by its
// file:line. The other access comes first, the watcher second.
func WriteText(w io.Writer, r *Report) error {
	_, err := w.Write(record.AppendText(nil, r.Record()))
	return err
}

// Text returns WriteText's output as a string.
func Text(r *Report) string { return string(record.AppendText(nil, r.Record())) }
