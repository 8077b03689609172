//go:build !nonexistent_tag

// Package tricky holds constructs the rewriter must keep compiling.
package tricky

import (
	_ "embed"
	"os"
	"sync"
	_ "unsafe" // for go:linkname
)

//go:embed embedded.txt
var embedded string

//go:linkname nanotime runtime.nanotime
func nanotime() int64

type T struct {
	x, y int
	next *T
	kids []*T
	m    map[string]*T
	_    [0]func()
}

type Embed struct {
	*T
	z int
}

var g int

func (t *T) Inc() { t.x++ } // want "ReadWrite t.x 8"

func (t T) Val() int { return t.x }

func methodValues(t *T, e Embed) func() {
	f := t.Inc
	f()        // want "Release"
	v := t.Val // want "ReadRange *t 64"
	e.x = 1    // want "Write e.x 8"
	e.Inc()
	_ = e.Val()
	_ = len(embedded) // want "Read len(embedded) 8"
	// v is captured but never written; calling it is a func value call.
	return func() { _ = v() } // want "Release"
}

type Locked struct {
	mu sync.Mutex
	n  int
}

func locks(l *Locked) {
	l.mu.Lock()         // want "Lock example.com/tricky.Locked.mu"
	l.n = 2             // want "Write l.n 8"
	l.mu.Unlock()       // want "Unlock"
	defer l.mu.Unlock() // want "DeferUnlock"
	l.mu.Lock()         // want "Lock example.com/tricky.Locked.mu"
}

func gotos(t *T) int {
	i := 0
loop:
	if i < t.x { // want "Read t.x 8"
		i++
		goto loop
	}
	switch {
	case i > 3:
		goto done
	}
	t.y = i // want "Write t.y 8"
done:
	return t.y // want "Read t.y 8"
}

func nested(t *T) {
	for _, k := range t.kids { // want "ReadRange t.kids 24" "ReadRange t.kids[:]"
		go func(k *T) { // want "Release"
			k.next.x = 1 // want "Read k.next 8" "Write k.next.x 8"
		}(k)
	}
	if c := t.m["a"]; c != nil && c.x > 0 { // want "Read map t.m 8" "Read t.m 8" "Read c.x 8"
		c.y = 1 // want "Write c.y 8"
	}
	func() {
		g = 2 // want "Write g 8"
	}()
}

func exits(code int) {
	f := os.Exit
	if code > 1 {
		f(code) // want "Release"
	}
	defer os.Exit(g) // want "Read g 8"
}

func typeSwitch(v any, p *T) {
	switch x := v.(type) {
	case *T:
		x.x = 1 // want "Write x.x 8"
	}
	switch p := p.next; x := any(p.x).(type) { // want "Read p.next 8" "Read p.x 8"
	case int:
		_ = x
	}
}

func sideEffects(t *T, f func() *T) {
	f().x = 1                   // want "Write f().x 8" "Release"
	t.kids[len(t.kids)-1].x = 2 // want "Read len(t.kids) 8" "Read t.kids 8" "Read t.kids[len(t.kids)-1] 8" "Write t.kids[len(t.kids)-1].x 8"
}

func varBlock(p *T) int {
	var (
		a = p.x     // want "Read p.x 8"
		b = a + p.y // want "Read p.y 8"
	)
	return b
}
