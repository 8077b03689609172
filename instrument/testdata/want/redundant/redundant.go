package redundant

// Checks made by earlier straight-line statements of the same statement
// list cover later checks of the same address with a kind no stronger.

type Particle struct {
	X, Y, VX, VY float64
	Hits         int
}

type T struct {
	x, y int
	next *T
	s    []int
	a    [4]int
}

var g int

func f() {}

func step(ps []Particle) {
	for i := range ps {
		p := &ps[i]
		p.X += p.VX // want "Read p.VX 8" "ReadWrite p.X 8"
		p.Y += p.VY // want "Read p.VY 8" "ReadWrite p.Y 8"
		if p.X < 0 || p.X > 1 {
			p.VX = -p.VX // want "Read p.VX 8" "Write p.VX 8"
			p.Hits++     // want "ReadWrite p.Hits 8"
		}
	}
}

func covered(p *T, s []int, i int) {
	p.x = 1                 // want "Write p.x 8"
	_ = p.x                 // a write covers a read
	p.x = 2                 // and a write
	p.x++                   // and a read-write
	_ = p.y                 // want "Read p.y 8"
	_ = p.y                 // a read covers a read
	s[i] = 1                // want "Write s[i] 8"
	s[i] += 2               // same index, same slice
	g = 1                   // want "Write g 8"
	_ = g + p.a[1] + p.a[1] // want "Read p.a[1] 8"
	_ = len(s) + int(p.a[1]) + g
	_ = p.next.x // want "Read p.next 8" "Read p.next.x 8"
	_ = p.next.x // want "Read p.next.x 8"
	switch p.y {
	case p.x:
	}
}

func readThenWrite(p *T) {
	_ = p.x // want "Read p.x 8"
	p.x = 1 // want "Write p.x 8"
	_ = p.y // want "Read p.y 8"
	p.y++   // want "ReadWrite p.y 8"
}

func barriers(p, q *T, ch chan int, s []int, i int) {
	p.x = 1 // want "Write p.x 8"
	f()
	_ = p.x          // want "Read p.x 8"
	<-ch             // want "ChanRecv"
	_ = p.x          // want "Read p.x 8"
	go f()           // want "Release"
	_ = p.x          // want "Read p.x 8"
	s = append(s, 1) // want "Append s"
	_ = p.x          // want "Read p.x 8"
	p = q
	_ = p.x  // want "Read p.x 8"
	s[i] = 1 // want "Write s[i] 8"
	i++
	s[i] = 1 // want "Write s[i] 8"
	s[i] = 1
	s = s[1:]
	s[i] = 1 // want "Write s[i] 8"
	ch <- 1  // want "Release"
	_ = p.x  // want "Read p.x 8"
L:
	_ = p.x      // want "Read p.x 8"
	if p.y > 0 { // want "Read p.y 8"
		goto L
	}
}

func nested(p *T, ok bool) {
	p.x = 1 // want "Write p.x 8"
	{
		_ = p.x // want "Read p.x 8"
	}
	_ = p.x // want "Read p.x 8"
	if ok {
		_ = p.x // want "Read p.x 8"
	}
	for p.x < 3 { // want "Read p.x 8"
		_ = p.y // want "Read p.y 8"
	}
	fn := func() {
		_ = p.x // want "Read p.x 8"
	}
	_ = p.x // want "Read p.x 8"
	_ = fn
	if v := g; p.x > v { // want "Read g 8"
	}
	if f(); p.x > 0 { // want "Read p.x 8"
	}
}

func shared(p *T) func() {
	p.x = 1 // want "Read p 8" "Write p.x 8"
	_ = p.x // want "Read p.x 8"
	return func() {
		p = nil // want "Write p 8"
	}
}

var gv int

func shadow() *int {
	gv = 1 // want "Write gv 8"
	gv := 0
	p := &gv
	gv = 1 // want "Write gv 8"
	return p
}

func headers(p, q *T, ok bool) {
	f()
	if p.x < 0 || p.x > 1 { // want "Read p.x 8"
	}
	f()
	if p.y > 0 { // want "Read p.y 8"
	} else if ok && p.y < 0 {
	}
	f()
	switch p.x { // want "Read p.x 8"
	case 1:
	default:
		_ = p.x // want "Read p.x 8"
	}
	_ = p.x             // want "Read p.x 8"
	if p = q; p.x > 0 { // want "Read p.x 8"
	}
	_ = p.y      // want "Read p.y 8"
	if p.y > 0 { // want "Read p.y 8"
	} else if p = q; p.y > 0 { // want "Read p.y 8"
	}
	f()
	if v := p.x; v > 0 || p.x > 1 { // want "Read p.x 8"
	}
}
