// Package untyped holds untyped operands (constants, nil, comparisons,
// shifts of constants) whose type comes from their context, next to
// accesses whose checks the rewriter places inside the expression: the
// rewritten code must keep every operand's type (go.etcd.io/bbolt's
// node.go: n.parent.put(key, k, nil, n.pgid, 0) with a uint32 last
// parameter did not build once 0 went through the identity helper).
package untyped

type B bool
type U uint32
type I int8

type node struct {
	parent *node
	pgid   uint64
	key    []byte
	n      U
	b      B
	flags  I
}

func (n *node) put(oldKey, newKey, value []byte, pgid uint64, flags uint32) {}
func (n *node) Key() []byte                                                 { return n.key } // want "ReadRange n.key 24"
func takeB(b B, u U, r rune, q *int, e error, i I)                          {}
func g() int                                                                { return 0 }

var gb B

// bbolt's pattern: the untyped operands are last, after a call.
func bbolt(n *node, key []byte) {
	n.parent.put(key, n.Key(), nil, n.pgid, 0)    // want "Read n.parent 8" "Read n.pgid 8"
	n.parent.put(key, n.Key(), nil, n.pgid, 1<<3) // want "Read n.parent 8" "Read n.pgid 8"
}

// Untyped operands of every kind, in every position after a call.
func positions(n *node, s uint) {
	takeB(n.b, U(g()), 'a', nil, nil, -1)          // want "Read n.b 1"
	takeB(B(g() > 0), 3, 'a'+1, nil, nil, I(n.n))  // want "Read n.n 4"
	takeB(g() == int(n.pgid), 3, 'a', nil, nil, 0) // want "Read n.pgid 8"
	n.n, n.flags = U(g()), 5                       // want "Write n.n 4" "Write n.flags 1"
	n.b = g() > 0                                  // want "Write n.b 1"
	n.n = 1 << s                                   // want "Write n.n 4"
	n.n, n.b = U(g()), 1 == 1                      // want "Write n.n 4" "Write n.b 1"
}

func results(n *node) (U, B, error) {
	return U(g()), n.pgid == 0, nil // want "Read n.pgid 8"
}

// Boolean expressions of a named boolean type: conditions, right
// operands of && and ||, and untyped comparisons converted to B.
func named(n *node) {
	if gb { // want "Read gb 1"
	}
	for n.b { // want "Read n.b 1"
	}
	var b B = n.pgid == 1 && n.n == 2 // want "Read n.pgid 8" "Read n.n 4"
	_ = b
	takeB(n.pgid == 1 && n.n == 2, 0, 0, nil, nil, 0) // want "Read n.pgid 8" "Read n.n 4"
	n.b = n.pgid == uint64(g()) && n.n == 1           // want "Read n.pgid 8" "Read n.n 4" "Write n.b 1"
	if n.b || n.pgid == 0 {                           // want "Read n.b 1" "Read n.pgid 8"
	}
	if x := g(); n.b || x == 0 { // want "Read n.b 1"
	}
}

// Later specs of a var block and case values are wrapped where they are.
func wrapped(n *node) {
	var (
		a = g()
		b = a == int(n.pgid) // want "Read n.pgid 8"
	)
	_ = b
	switch x := g(); {
	case x == int(n.pgid): // want "Read n.pgid 8"
	}
	var t B
	switch t {
	case n.pgid == 0: // want "Read n.pgid 8"
	}
}
