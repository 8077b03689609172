// Package cgo checks that a file using cgo still compiles once rewritten:
// nothing is inserted between the preamble and import "C".
package cgo

/*
static int twice(int x) { return 2 * x; }
*/
import "C"

import "fmt"

type T struct{ n int }

var g T

func Twice(p *T) string {
	p.n = int(C.twice(C.int(g.n))) // want "Read g.n 8" "Write p.n 8" "Release"
	return fmt.Sprint(p.n)         // want "Read p.n 8" "Release"
}
