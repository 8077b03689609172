package source

import (
	"bufio"
	"errors"
	"io"
	"os"
	"sync/atomic"

	"github.com/gocsan/gocsan/report/kernellog"
)

// File reads console lines from a log file or a stream such as stdin.
type File struct {
	name   string
	c      io.Closer
	br     *bufio.Reader
	closed atomic.Bool
	cut    atomic.Uint64
}

// OpenFile opens a log file; "-" is standard input.
func OpenFile(path string) (*File, error) {
	if path == "-" {
		return NewReader("stdin", os.Stdin), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return NewReader(path, f), nil
}

// NewReader reads console lines from r; Close closes r if it is an
// io.Closer.
func NewReader(name string, r io.Reader) *File {
	f := &File{name: name, br: bufio.NewReaderSize(r, 64<<10)}
	f.c, _ = r.(io.Closer)
	return f
}

// Read returns the next line, io.EOF at the end.
func (f *File) Read() (Line, error) {
	if f.closed.Load() {
		return Line{}, ErrClosed
	}
	text, cut, err := kernellog.ReadLine(f.br)
	if cut {
		f.cut.Add(1)
	}
	if err != nil && (text == "" || !errors.Is(err, io.EOF)) {
		if f.closed.Load() {
			return Line{}, ErrClosed
		}
		return Line{}, err
	}
	return Line{Text: text, Prefixed: true}, nil
}

// Close closes the underlying reader.
func (f *File) Close() error {
	f.closed.Store(true)
	if f.c != nil {
		return f.c.Close()
	}
	return nil
}

// Lost counts lines cut at kernellog.MaxLineLen (a file loses nothing
// else).
func (f *File) Lost() uint64 { return f.cut.Load() }

// Name is the file name, or "stdin".
func (f *File) Name() string { return f.name }
