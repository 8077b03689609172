// Package releases: a Release barrier goes before every call that may run
// uninstrumented code (standard library, interface methods, function
// values), whose synchronization the reordering model cannot see, except
// the standard library's functions known not to synchronize (strings,
// time.Sleep: nonSynchronizing). package path is not on that list: its
// calls stand for every other standard-library call.
package releases

import (
	"bytes"
	"io"
	"path"
	"strings"
	"sync"
	"time"
)

type T struct {
	buf []byte
	n   int
	s   string
}

var pool sync.Pool

func local(p *T) int { return p.n } // want "Read p.n 8"

func (p *T) get() int { return p.n } // want "Read p.n 8"

func std(p *T) {
	_ = strings.Repeat(p.s, 2) // want "ReadRange p.s 16"
	_ = path.Base(p.s)         // want "ReadRange p.s 16" "Release"
	time.Sleep(0)
	pool.Put(p) // want "Release"
}

func method(b *bytes.Buffer, p *T) {
	b.WriteString(p.s) // want "ReadRange p.s 16" "Release"
}

func iface(w io.Writer, l sync.Locker, p *T) {
	w.Write(p.buf)                 // want "ReadRange p.buf 24" "Release"
	l.Lock()                       // want "Release"
	l.Unlock()                     // want "Release"
	_, _ = io.Writer.Write(w, nil) // want "Release"
}

func generic[W io.Writer](w W, b []byte) {
	w.Write(b) // want "Release"
}

func funcValue(f func(int) int, p *T) {
	f(1)         // want "Release"
	p.n = f(p.n) // want "Read p.n 8" "Write p.n 8" "Release"
	g := p.get
	_ = g() // want "Release"
	_ = func() int { return 1 }()
}

func conds(p *T, s string) {
	if path.IsAbs(s) { // want "Release"
		p.n++ // want "ReadWrite p.n 8"
	}
	for i := 0; path.IsAbs(s) && i < 3; i++ { // want "Release"
	}
	if p.n > 0 && path.IsAbs(p.s) { // want "Read p.n 8" "ReadRange p.s 16" "Release"
		p.n = 0 // want "Write p.n 8"
	}
}

func notReleased(p *T, b []byte) int {
	_ = local(p)
	_ = p.get()
	b = append(b, 1) // want "Append b"
	_ = len(b)
	return int(int64(p.n)) // want "Read p.n 8"
}

func deferred(w io.Writer, l sync.Locker, b *bytes.Buffer, p *T) {
	defer pool.Put(p)        // want "DeferRelease"
	defer l.Unlock()         // want "DeferRelease"
	defer b.WriteString(p.s) // want "ReadRange p.s 16" "DeferRelease"
	defer w.Write(p.buf)     // want "ReadRange p.buf 24"
	go pool.Put(p)           // want "Release"
}

func wrapped(p *T, s string) int {
	var (
		a = p.n                    // want "Read p.n 8"
		b = len(path.Join(p.s, s)) // want "ReadRange p.s 16" "Release" "Release"
	)
	switch x := a; p.n + x { // want "Read p.n 8" "Release"
	case len(path.Join(p.s, s)): // want "ReadRange p.s 16" "Release" "Release"
		return b
	}
	return 0
}
