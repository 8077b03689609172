package instrument

import (
	"bytes"
	"sort"
	"strings"
)

// An editBuffer collects insertions and replacements at byte offsets of
// the original source and applies them in one pass, as cmd/cover's edit
// buffer does. Offsets always refer to the original text, so edits can be
// registered in any order without recomputing positions.
//
// Two edits at the same offset are ordered so that nesting works: a
// closing insertion (the ")" ending a wrapped operand) comes before any
// opening one, closings in reverse order of registration (inner before
// outer) and openings in order of registration (outer before inner, since
// the walker registers an enclosing construct before its operands).
type editBuffer struct {
	src   []byte
	edits []edit
	seq   int
}

type edit struct {
	off   int
	close bool
	seq   int
	text  string
	del   int // bytes of the original replaced by text, starting at off
}

func newEditBuffer(src []byte) *editBuffer { return &editBuffer{src: src} }

// reserve returns a sequence number for edits registered later with
// openSeq and closeSeq, so that a construct can be ordered as enclosing
// the operands it visits before it knows whether it needs an edit.
func (b *editBuffer) reserve() int {
	b.seq++
	return b.seq
}

func (b *editBuffer) openSeq(seq, off int, text string) {
	b.edits = append(b.edits, edit{off: off, seq: seq, text: text})
}

func (b *editBuffer) closeSeq(seq, off int, text string) {
	b.edits = append(b.edits, edit{off: off, close: true, seq: seq, text: text})
}

// open inserts text at off, before anything registered later at off.
func (b *editBuffer) open(off int, text string) {
	b.seq++
	b.edits = append(b.edits, edit{off: off, seq: b.seq, text: text})
}

// close inserts text at off, after closings registered later at off and
// before every opening at off.
func (b *editBuffer) close(off int, text string) {
	b.seq++
	b.edits = append(b.edits, edit{off: off, close: true, seq: b.seq, text: text})
}

// replace replaces the original bytes [start, end) by text.
func (b *editBuffer) replace(start, end int, text string) {
	b.seq++
	b.edits = append(b.edits, edit{off: start, seq: b.seq, text: text, del: end - start})
}

func (b *editBuffer) changed() bool { return len(b.edits) > 0 }

// inserted reports whether the text of some edit contains s.
func (b *editBuffer) inserted(s string) bool {
	for _, e := range b.edits {
		if strings.Contains(e.text, s) {
			return true
		}
	}
	return false
}

// replacedRanges returns the original byte ranges replaced by edits.
func (b *editBuffer) replacedRanges() [][2]int {
	var rs [][2]int
	for _, e := range b.edits {
		if e.del > 0 {
			rs = append(rs, [2]int{e.off, e.off + e.del})
		}
	}
	return rs
}

// bytes returns the edited source.
func (b *editBuffer) bytes() []byte {
	es := append([]edit(nil), b.edits...)
	sort.SliceStable(es, func(i, j int) bool {
		x, y := es[i], es[j]
		if x.off != y.off {
			return x.off < y.off
		}
		if x.close != y.close {
			return x.close
		}
		if x.close {
			return x.seq > y.seq
		}
		return x.seq < y.seq
	})
	var out bytes.Buffer
	out.Grow(len(b.src) + len(es)*64)
	pos := 0
	for _, e := range es {
		if e.off < pos {
			// Inside a replaced range: the walker never edits inside
			// a replacement, so this is a bug; drop the edit rather
			// than corrupt the output.
			continue
		}
		out.Write(b.src[pos:e.off])
		out.WriteString(e.text)
		pos = e.off + e.del
	}
	out.Write(b.src[pos:])
	return out.Bytes()
}
