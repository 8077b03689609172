// Package shadow uses the names of predeclared identifiers the inserted
// code needs (len, cap, int, nil, ...) for fields, methods and labels,
// which shadow nothing (github.com/cespare/xxhash/v2 has a field named
// cap), and for locals, which do: only the functions declaring them are
// left uninstrumented.
package shadow

type sliceHeader struct {
	s   string
	cap int
}

type buf struct {
	data []byte
	len  int
}

func (b *buf) int() int { return b.len } // want "Read b.len 8"

func (b *buf) nil() bool { return b.data == nil } // want "ReadRange b.data 24"

func fields(h *sliceHeader, b *buf) int {
	h.cap = len(b.data)  // want "Read len(b.data) 8" "Write h.cap 8"
	return h.cap + b.len // want "Read h.cap 8" "Read b.len 8"
}

func label(b *buf) {
	for i := 0; i < 2; i++ {
		if b.len > 0 { // want "Read b.len 8"
			continue
		}
	}
}

func local(b *buf) int {
	cap := 3 // want "warning"
	b.len = cap
	return b.len
}

func param(b *buf, len int) { // want "warning"
	b.len = len
	_ = len
}

func literal(b *buf) func() {
	return func() {
		b.len++ // want "ReadWrite b.len 8"
	}
}

var f = func(b *buf) {
	bool := b.len > 0 // want "warning"
	_ = bool
}
