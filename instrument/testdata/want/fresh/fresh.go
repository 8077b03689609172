// Package fresh reads memory that a literal allocates in the same
// expression: nobody else can see it, so it gets no check, and no warning
// that the operand has side effects. What the literal's fields point to
// is shared.
package fresh

import "unsafe"

type T struct{ x int }

type header struct {
	s   string
	cap int
}

type holder struct{ p *T }

// github.com/cespare/xxhash/v2's Sum64String.
func bytesOf(s string) []byte {
	return *(*[]byte)(unsafe.Pointer(&header{s, len(s)}))
}

func literals(p *T) int {
	a := (&T{}).x
	b := []int{1, 2}[1]
	c := (&holder{p: p}).p.x // want "warning"
	return a + b + c
}
