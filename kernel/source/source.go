package source

import (
	"errors"
)

// Line is one console line.
type Line struct {
	// Key separates concurrent printers: a printk caller id ("T123",
	// "C1") or "cpuN" for the CPU a message was printed on; "" if the
	// source does not know.
	Key string
	// Text is the line without line ending.
	Text string
	// Prefixed is set when Text may still carry printk's timestamp and
	// caller-id prefix (files, serial consoles); the parser strips them.
	Prefixed bool
}

// Source is a stream of console lines.
type Source interface {
	// Read blocks until the next line. It returns io.EOF at the end of a
	// finite input and ErrClosed once Close was called.
	Read() (Line, error)
	// Close stops the source; a blocked Read returns ErrClosed.
	Close() error
	// Lost is the number of console records lost so far (overwritten
	// before they were read, or dropped by a full ring buffer).
	Lost() uint64
	// Name describes the source in messages ("ebpf", "/dev/kmsg", a file
	// name).
	Name() string
}

// ErrClosed is returned by Read after Close.
var ErrClosed = errors.New("source closed")
