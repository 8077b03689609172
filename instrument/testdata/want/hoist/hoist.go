package hoist

// The element accesses s[i] of simple range loops over a local slice are
// checked by one ranged check before the loop, carrying the position of
// the first hoisted access (so it is wanted on that access's line).

type P struct{ x, y int }

type Arr [4]int

var gs []int

var sink int

func f() {}

// Hoisted.

func sum(s []int) int {
	t := 0
	for i := range s {
		t += s[i] // want "ReadRange s[:]"
	}
	return t
}

func scale(s []int, k int) {
	for i := range s {
		s[i] *= k // want "WriteRange s[:]"
	}
}

// for i, v := range s reads every element with its own ranged check; a
// hoisted write replaces it.
func keyValueWrite(s []int) {
	for i, v := range s {
		s[i] = v + 1 // want "WriteRange s[:]"
	}
}

// A hoisted read is covered by the range clause's own check.
func keyValueRead(s []int) int {
	t := 0
	for i, v := range s { // want "ReadRange s[:]"
		t += v * s[i]
	}
	return t
}

// The position is the first hoisted access's; reads and a write make a
// write.
func readThenWrite(s []P, ps []*P) {
	for i := range s {
		x := s[i] // want "WriteRange s[:]"
		x.x++
		s[i] = x
	}
	// Through a pointer element: s[i] is read whole, *ps[i] is other
	// memory and keeps its check.
	for i := range ps {
		_ = *ps[i] // want "ReadRange ps[:]" "ReadRange *ps[i] 16"
	}
}

// Labeled loop, continue at the end, accesses in the header of the if
// holding it, conversions, len and a nested loop without accesses.
func allowed(s []int32, t []float64, m map[int32]int) int {
	n := 0
L:
	for i := range s {
		n += int(s[i]) + len(s) // want "ReadRange s[:]"
		if s[i] < 0 {
			continue
		}
	}
	for i := range t {
		if t[i] > 0 && n > 0 { // want "ReadRange t[:]"
			n++
		}
		m[int32(i)] = int(t[i]) // want "Write map m 8"
	}
	goto L
}

// Nested loops: in the first neither hoists (the outer one uses s[i]
// only as a range operand and indexed, the inner one ranges over no
// identifier); in the second both do.
func nested(s [][]int) {
	for i := range s {
		for j := range s[i] { // want "ReadRange s[i] 24"
			s[i][j] = 0 // want "Read s[i] 8" "Write s[i][j] 8"
		}
	}
	for i := range s {
		row := s[i] // want "ReadRange s[:]"
		for j := range row {
			row[j]++ // want "WriteRange row[:]"
		}
	}
}

// Not hoisted.

func withCall(s []int) {
	for i := range s {
		s[i] = 1 // want "Write s[i] 8"
		f()
	}
}

func withBreak(s []int) {
	for i := range s {
		if s[i] < 0 { // want "Read s[i] 8"
			break
		}
	}
}

func withReturn(s []int) int {
	for i := range s {
		sink += s[i] // want "Read s[i] 8" "ReadWrite sink 8"
		if sink > 10 {
			return i
		}
	}
	return 0
}

func field(s []P) int {
	t := 0
	for i := range s {
		t += s[i].x // want "Read s[i].x 8"
	}
	return t
}

func reassigned(s []int) {
	for i := range s {
		s[i] = 0 // want "Write s[i] 8"
		s = s[:0]
	}
}

func onlyInIf(s []int, c bool) {
	for i := range s {
		if c {
			s[i] = 0 // want "Write s[i] 8"
		}
	}
}

func afterContinue(s []int, c bool) {
	for i := range s {
		if c {
			continue
		}
		s[i] = 0 // want "Write s[i] 8"
	}
}

func rightOfAnd(s []int, c bool) {
	for i := range s {
		if c && s[i] > 0 { // want "Read s[i] 8"
			sink++ // want "ReadWrite sink 8"
		}
	}
}

func array(a Arr, pa *Arr) {
	for i := range pa {
		pa[i] = 0 // want "Write pa[i] 8"
	}
	for i := range a {
		a[i] = 0
	}
	_ = a
}

func global() {
	for i := range gs { // want "ReadRange gs 24"
		gs[i] = 0 // want "Read gs 8" "Write gs[i] 8"
	}
}

func plusOne(s []int) {
	for i := range s {
		if i+1 < len(s) {
			s[i+1] = 0 // want "Write s[i+1] 8"
		}
	}
	for i := range s {
		_ = s[len(s)-1-i] // want "Read s[len(s)-1-i] 8"
	}
}

func addressTaken(s []int) {
	for i := range s {
		s[i] = 0 // want "Write s[i] 8"
		p := &s[i]
		_ = p
	}
}

func sliceAddressTaken(s []int) {
	p := &s
	for i := range s { // want "ReadRange s 24"
		s[i] = 0 // want "Read s 8" "Write s[i] 8"
	}
	_ = p
}

func channel(s []int, ch chan int) {
	for i := range s {
		s[i] = <-ch // want "ChanRecv" "Write s[i] 8"
	}
}

func closure(s []int) {
	for i := range s {
		s[i] = 0 // want "Write s[i] 8"
		_ = func() {}
	}
}

func indexAssigned(s []int) {
	for i := range s {
		s[i] = 0 // want "Write s[i] 8"
		i = 0
		_ = i
	}
}

func appends(s []int) {
	for i := range s {
		s[i] = 0             // want "Write s[i] 8"
		_ = append(s[:0], 1) // want "Append s[:0]"
	}
}

func ignored(s []int) {
	for i := range s {
		s[i] = 0 //gocsan:ignore
		s[i]++   // want "ReadWrite s[i] 8"
	}
}

func strings(str string) int {
	n := 0
	for i := range str {
		n += int(str[i])
	}
	return n
}
