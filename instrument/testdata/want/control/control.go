package control

type T struct {
	x, y int
	next *T
	s    []int
}

var g int

func conds(p *T, ok bool) int {
	if p.x > 0 { // want "Read p.x 8"
		return 1
	} else if p.y > 0 { // want "Read p.y 8"
		return 2
	} else if v := p.x; v > g { // want "Read g 8"
		return v
	}
	if p != nil && p.x > 0 || ok && g > 0 { // want "Read p.x 8" "Read g 8"
		return 3
	}
	return 0
}

func loops(head *T) int {
	n := 0
	for p := head; p != nil; p = p.next { // want "Read p.next 8"
		n += p.x // want "Read p.x 8"
	}
	for i := 0; i < len(head.s) && head.s[i] > 0; i++ { // want "Read len(head.s) 8" "Read head.s 8" "Read head.s[i] 8"
		n++
	}
	for g < 10 { // want "Read g 8"
		g++ // want "ReadWrite g 8"
	}
	for i, v := range head.s { // want "ReadRange head.s 24" "ReadRange head.s[:]"
		n += i + v
	}
	for range head.s { // want "ReadRange head.s 24"
	}
	for head.x = range 3 { // want "Write head.x 8"
	}
	return n
}

func labels(p *T) {
outer:
	for i := 0; i < 3; i++ {
		for j := range p.s { // want "ReadRange p.s 24"
			if j == i {
				continue outer
			}
			if j > 2 {
				break outer
			}
		}
	}
	i := 0
again:
	p.x = i // want "Write p.x 8"
	i++
	if i < 3 {
		goto again
	}
L:
	switch p.y { // want "Read p.y 8"
	case 1:
		break L
	}
}

func switches(p *T, v any) int {
	switch p.x { // want "Read p.x 8"
	case p.y: // want "Read p.y 8"
		return 1
	case 2, g: // want "Read g 8"
		return 2
	}
	switch x := 1; p.x { // want "Read p.x 8"
	case x:
	}
	switch {
	case p.y > 0: // want "Read p.y 8"
		return 3
	case g > 0: // want "Read g 8"
		return 4
	}
	switch t := v.(type) {
	case int:
		return t
	}
	switch p := p.next; p.x { // want "Read p.next 8" "Read p.x 8"
	}
	return 0
}

func selects(p *T, a, b chan int) {
	select {
	case a <- p.x: // want "Read p.x 8" "Release"
	case p.y = <-b: // want "ChanAcquire" "Write p.y 8"
		g = 1 // want "Write g 8"
	}
}
