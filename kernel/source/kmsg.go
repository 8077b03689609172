package source

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// KmsgPath is the kernel log device.
const KmsgPath = "/dev/kmsg"

// Kmsg reads /dev/kmsg: one record per read(2), in the format
// "prio,seq,usec,flags[,caller=T1];text\n" followed by " KEY=value"
// dictionary lines (Documentation/ABI/testing/dev-kmsg).
type Kmsg struct {
	path    string
	f       *os.File
	buf     []byte
	pending []Line
	lost    atomic.Uint64
	lastSeq uint64
	haveSeq bool
	mu      sync.Mutex
}

// OpenKmsg opens path (normally KmsgPath). With backlog, reading starts
// at the oldest record still in the kernel's buffer, so reports printed
// during boot (built-in KUnit suites run before init) are included;
// without it, only records printed from now on are read.
func OpenKmsg(path string, backlog bool) (*Kmsg, error) {
	// os.OpenFile registers the character device with Go's poller, so a
	// blocked Read is woken by Close.
	f, err := os.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return nil, fmt.Errorf("%w (reading the kernel log needs CAP_SYSLOG when kernel.dmesg_restrict=1, or root)", err)
		}
		return nil, err
	}
	if !backlog {
		if _, err := f.Seek(0, io.SeekEnd); err != nil {
			f.Close()
			return nil, fmt.Errorf("seeking to the end of %s: %w", path, err)
		}
	}
	// A record is at most about 8 KiB with its dictionary; a smaller
	// buffer makes read(2) fail with EINVAL.
	return &Kmsg{path: path, f: f, buf: make([]byte, 16<<10)}, nil
}

// Read returns the next line. A record with embedded newlines (escaped
// as \x0a by the kernel) yields several lines.
func (k *Kmsg) Read() (Line, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for len(k.pending) == 0 {
		n, err := k.f.Read(k.buf)
		if err != nil {
			switch {
			case errors.Is(err, syscall.EPIPE):
				// Records were overwritten before we read them; the
				// next read returns the oldest one still there, and
				// the sequence gap counts them.
				continue
			case errors.Is(err, os.ErrClosed):
				return Line{}, ErrClosed
			}
			return Line{}, fmt.Errorf("reading %s: %w", k.path, err)
		}
		rec, err := ParseKmsgRecord(k.buf[:n])
		if err != nil {
			return Line{}, fmt.Errorf("%s: %w", k.path, err)
		}
		if k.haveSeq && rec.Seq > k.lastSeq+1 {
			// Records overwritten before we read them (EPIPE).
			k.lost.Add(rec.Seq - k.lastSeq - 1)
		}
		k.lastSeq, k.haveSeq = rec.Seq, true
		for _, l := range strings.Split(rec.Text, "\n") {
			k.pending = append(k.pending, Line{Key: rec.Caller, Text: l})
		}
	}
	l := k.pending[0]
	k.pending = k.pending[1:]
	return l, nil
}

// Close closes the device; a blocked Read returns ErrClosed.
func (k *Kmsg) Close() error { return k.f.Close() }

// Lost is the number of records overwritten before they were read.
func (k *Kmsg) Lost() uint64 { return k.lost.Load() }

// Name is the device path.
func (k *Kmsg) Name() string { return k.path }

// KmsgRecord is one parsed /dev/kmsg record.
type KmsgRecord struct {
	Level    int    // syslog priority & 7
	Facility int    // syslog priority >> 3
	Seq      uint64 // sequence number
	Usec     uint64 // timestamp, microseconds since boot
	Caller   string // "T123" or "C1" with CONFIG_PRINTK_CALLER, else ""
	Text     string // message, \xNN escapes undone
}

// ParseKmsgRecord parses one record as read from /dev/kmsg.
func ParseKmsgRecord(b []byte) (KmsgRecord, error) {
	var r KmsgRecord
	s := string(b)
	head, rest, ok := strings.Cut(s, ";")
	if !ok {
		return r, fmt.Errorf("kmsg record without ';': %q", short(s))
	}
	fields := strings.Split(head, ",")
	if len(fields) < 4 {
		return r, fmt.Errorf("kmsg record header %q: want prio,seq,usec,flags", head)
	}
	prio, err1 := strconv.Atoi(fields[0])
	seq, err2 := strconv.ParseUint(fields[1], 10, 64)
	usec, err3 := strconv.ParseUint(fields[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return r, fmt.Errorf("kmsg record header %q: bad number", head)
	}
	r.Level, r.Facility, r.Seq, r.Usec = prio&7, prio>>3, seq, usec
	for _, f := range fields[4:] {
		if c, ok := strings.CutPrefix(f, "caller="); ok {
			r.Caller = c
		}
	}
	// The text ends at the first newline; dictionary lines follow.
	text, _, _ := strings.Cut(rest, "\n")
	r.Text = unescape(text)
	return r, nil
}

// unescape undoes the kernel's \xNN escaping of non-printable bytes
// (and of backslash itself).
func unescape(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func short(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
