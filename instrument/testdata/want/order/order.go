// Package order holds statements whose accesses follow calls, receives,
// && and || in the order of evaluation: their checks run right after the
// operation before the access (order.go); TestWantBuildAndVet compiles
// the forms, TestEvalOrder runs them.
package order

type node struct {
	next *node
	val  int
	fn   func(int, int) int
	ch   chan int
	m    map[int]int
}

func two() (int, int) { return 1, 2 }
func one() int        { return 1 }

func receives(n *node, ch chan int) {
	a, b := <-ch, n.val // want "ChanRecv" "Read n.val 8"
	_, _ = a, b
	c := <-n.ch + n.val // want "ChanRecv" "Read n.ch 8" "Read n.val 8"
	_ = c
	if v, w := <-ch, n.val; v != w { // want "ChanRecv" "Read n.val 8"
	}
	n.val = <-ch // want "ChanRecv" "Write n.val 8"
}

func calls(n *node) int {
	x := one() + n.val                // want "Read n.val 8"
	y := n.m[one()] + one() + n.val   // want "Read n.m 8" "Read map n.m 8" "Read n.val 8"
	n.fn(one(), n.val)                // want "Read n.fn 8" "Read n.val 8" "Release"
	return x + y + one() + n.next.val // want "Read n.next 8" "Read n.next.val 8"
}

func logical(n *node, b bool) bool {
	if one() > 0 && n.val > 0 || b { // want "Read n.val 8"
	}
	return (one() > 0 || b) == (n.val > 0) // want "Read n.val 8"
}

func multi(n *node, ch chan int) {
	var ok bool
	n.val, ok = <-ch // want "ChanRecv" "Write n.val 8"
	// Two targets the assignment could move: not instrumented.
	n.val, n.next.val = two()     // want "warning" "warning"
	n.next, ok = n.next.next, !ok // want "Read n.next 8" "Read n.next.next 8" "Write n.next 8"
	var err error
	n.val, err = two2() // want "Write n.val 8"
	_, _ = ok, err
	// The function value is read after the multi-value call.
	_ = n.fn(two()) // want "Release" "warning"
}

func two2() (int, error) { return 0, nil }

func deferred(n *node) {
	go n.fn(n.val, one())    // want "Read n.fn 8" "Read n.val 8" "Release"
	defer n.fn(n.val, one()) // want "Read n.fn 8" "Read n.val 8" "DeferRelease"
}
