// Package effects accesses memory through operands with side effects:
// the operand is evaluated once, inside a helper that checks the address
// it yields (inline.go).
package effects

type T struct {
	a, x int
	ids  []int
}

type list struct{ items []*T }

func (l *list) get() *T          { return l.items[0] } // want "Read l.items 8" "Read l.items[0] 8"
func (l *list) all() []*T        { return l.items }    // want "ReadRange l.items 24"
func (l *list) byID() map[int]*T { return nil }
func pick(n int) int             { return n }

// The checks run when the operand has been evaluated: l.get().x read
// after a later call (the compiler reads it last) is not instrumented.
func effects(l *list, s []int) int {
	l.get().x = 1                      // want "Write l.get().x 8"
	v := l.get().x + l.all()[0].a      // want "warning" "Read l.all()[0] 8" "Read l.all()[0].a 8"
	v += s[pick(1)]                    // want "Read s[pick(1)] 8"
	l.all()[1].x++                     // want "Read l.all()[1] 8" "ReadWrite l.all()[1].x 8"
	v += len(l.byID()[100].ids)        // want "warning"
	v += pick(0) + l.get().x + pick(1) // want "warning"
	return v + l.get().x*pick(2)       // want "warning"
}
