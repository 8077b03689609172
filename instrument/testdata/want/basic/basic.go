package basic

type T struct {
	x, y int
	b    byte
	s    []int
	str  string
	i    any
	in   Inner
	p    *Inner
	m    map[string]int
	f    func()
}

type Inner struct{ a, b int64 }

var (
	g   int
	gs  string
	gt  T
	ga  [4]int32
	gp  *T
	gm  = map[int]int{}
	gfn func() int
)

const c = 3

func locals(a int, s string) int {
	x := a + c // locals, parameters and constants are not instrumented
	x++
	y := s
	var arr [3]int
	arr[1] = x
	t := T{x: x}
	t.y = len(y) + arr[2]
	return t.y
}

func globals() {
	g = 1       // want "Write g 8"
	use(0)      // a call: checks after it are not redundant
	g++         // want "ReadWrite g 8"
	use(0)      //
	g += c      // want "ReadWrite g 8"
	_ = gs      // want "ReadRange gs 16"
	gs = "x"    // want "WriteRange gs 16"
	ga[1] = 2   // want "Write ga[1] 4"
	gt.in.a = 1 // want "Write gt.in.a 8"
	x := gt     // want "ReadRange gt 120"
	_ = x
	gp.x = g  // want "Read gp 8" "Write gp.x 8"
	gm[1] = 2 // want "Read gm 8" "Write map gm 8"
	_ = gfn() // want "Read gfn 8" "Release"
}

func pointers(p *T, q *Inner, pp **T) {
	p.x = 1      // want "Write p.x 8"
	p.b = 2      // want "Write p.b 1"
	p.y = p.x    // want "Write p.y 8"
	use(0)       // a call: checks after it are not redundant
	p.x += 2     // want "ReadWrite p.x 8"
	p.in.b--     // want "ReadWrite p.in.b 8"
	p.p.a = 1    // want "Read p.p 8" "Write p.p.a 8"
	*q = Inner{} // want "WriteRange *q 16"
	v := *q      // *q was just written
	_ = v
	(*pp).x = 3 // want "Read *pp 8" "Write (*pp).x 8"
	p.str = "a" // want "WriteRange p.str 16"
	p.i = 1     // want "WriteRange p.i 16"
	_ = p.s[2]  // want "Read p.s 8" "Read p.s[2] 8"
	p.f()       // want "Read p.f 8" "Release"
	var lt T
	lt.x = 1    // want "Write lt.x 8"
	lp := &lt.p // address taken: lt is shared in the whole function
	_ = lp
	lt.y = 2 // want "Write lt.y 8"
}

func slicesAndArrays(s []int, a [4]int, pa *[4]int, i int) {
	s[i] = 1  // want "Write s[i] 8"
	a[i] = 1  // a local array: not shared
	pa[i] = 1 // want "Write pa[i] 8"
	_ = s[1:2]
	_ = len(s)
	str := "abc"
	_ = str[i] // string bytes are immutable
}

func maps(m map[string]int, k string) int {
	m[k] = 1       // want "Write map m 8"
	v := m[k]      // want "Read map m 8"
	v2, ok := m[k] // want "Read map m 8"
	m[k]++         // want "Write map m 8"
	delete(m, k)   // want "Write map m 8"
	_ = len(m)     // want "Read map m 8"
	clear(m)       // want "Write map m 8"
	if ok {
		v += v2
	}
	return v
}

func captured() func() int {
	n := 0
	inc := func() int {
		n++      // want "ReadWrite n 8"
		return n // want "Read n 8"
	}
	n = 5 // want "Write n 8"
	return inc
}

func addressTaken() *int {
	x := 1
	p := &x
	x = 2 // want "Write x 8"
	return p
}

type Counter struct{ n int }

func (c *Counter) Inc()     { c.n++ } // want "ReadWrite c.n 8"
func (c Counter) Get() int  { return c.n }
func (c *Counter) Ptr() int { return c.Get() } // want "Read *c 8"

func methods(c Counter, pc *Counter) {
	c.Inc()      // implicit &c: c is shared
	c.n = 1      // want "Write c.n 8"
	_ = pc.Get() // want "Read *pc 8"
	pc.Inc()
}

func goAndDefer(p *T, ch chan int) {
	go use(p.x)    // want "Read p.x 8" "Release"
	defer use(p.y) // want "Read p.y 8"
	ch <- p.x      // want "Read p.x 8" "Release"
	p.x = <-ch     // want "ChanRecv" "Write p.x 8"
}

func use(int) {}

func interfaces(p *T) {
	var e any = p.in // want "ReadRange p.in 16"
	_ = e
	_ = p.i.(int) // want "ReadRange p.i 16"
}
