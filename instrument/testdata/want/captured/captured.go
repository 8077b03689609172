package captured

// A captured local that is never written after its declaration cannot
// race: its initialization happens before any closure naming it exists.

type T struct{ x, y int }

func use(...any) {}

func run(f func()) { f() } // want "Release"

// Never written: reads in closures are not instrumented.

func param(n int, p *T, ch chan int) {
	run(func() {
		use(n)
		p.x = 1 // want "Write p.x 8"
		ch <- n // want "Release"
	})
}

func locals() {
	x := 1
	var z T
	s := T{x: 1}
	a := [2]int{1, 2}
	run(func() { use(x, z.x, s.y, a[1]) })
	run(func() { run(func() { use(x) }) })
}

// go1.22: one variable per iteration, written before the body runs.
func ranged(s []int, m map[string]T) {
	for i, v := range s { // want "ReadRange s[:]"
		run(func() { use(i, v) })
	}
	for k, t := range m { // want "Read map m 8"
		run(func() { use(k, t.x) })
	}
}

func typeSwitch(v any) {
	switch t := v.(type) {
	case int:
		run(func() { use(t) })
	}
}

func selectRecv(ch chan int) {
	select {
	case v := <-ch: // want "ChanAcquire" "Release"
		run(func() { use(v) })
	}
}

// Written after the declaration: instrumented everywhere.

func assignedLater() {
	var x int
	x = 5 // want "Write x 8"
	run(func() {
		use(x) // want "Read x 8"
	})
}

func assignedAfter() {
	x := 1
	run(func() {
		use(x) // want "Read x 8"
	})
	x = 2 // want "Write x 8"
}

func assignedInClosure() int {
	x := 1
	run(func() {
		x = 3 // want "Write x 8"
	})
	return x // want "Read x 8"
}

func incremented() {
	x := 1
	run(func() {
		x++ // want "ReadWrite x 8"
	})
}

func opAssigned() {
	x := 1
	x += 2 // want "ReadWrite x 8"
	run(func() {
		use(x) // want "Read x 8"
	})
}

func fieldAssigned() {
	var s T
	s.x = 1 // want "Write s.x 8"
	run(func() {
		use(s.y) // want "Read s.y 8"
	})
}

func elemAssigned() {
	var a [2]int
	a[0] = 1 // want "Write a[0] 8"
	run(func() {
		use(a[1]) // want "Read a[1] 8"
	})
}

func namedResult() (r int) {
	run(func() {
		use(r) // want "Read r 8"
	})
	return 5
}

func bareReturn() (r int) {
	defer func() {
		use(r) // want "Read r 8"
	}()
	return
}

func redeclared() {
	a, err := two()
	run(func() {
		use(err) // want "ReadRange err 16"
	})
	b, err := two() // want "WriteRange err 16"
	use(a, b)
}

func two() (int, error) { return 0, nil }

func forClause(n int) {
	for i := 0; i < n; i++ { // want "Read i 8" "ReadWrite i 8"
		run(func() {
			use(i) // want "Read i 8"
		})
	}
	for j := 0; j < n; { // want "Read j 8"
		run(func() {
			use(j) // want "Read j 8"
		})
		break
	}
}

func rangeAssigned(s []int) {
	var v int
	for _, v = range s { // want "ReadRange s[:]" "Write v 8"
		run(func() {
			use(v) // want "Read v 8"
		})
	}
}

func selectAssigned(ch chan int) {
	var v int
	select {
	case v = <-ch: // want "ChanAcquire" "Release" "Write v 8"
		run(func() {
			use(v) // want "Read v 8"
		})
	}
}

func addressTaken() *int {
	x := 1
	run(func() {
		use(x) // want "Read x 8"
	})
	return &x
}

func methodValue() {
	var s T
	run(func() {
		use(s.x) // want "Read s.x 8"
	})
	f := s.ptrMethod
	f() // want "Release"
}

func (t *T) ptrMethod() {}
