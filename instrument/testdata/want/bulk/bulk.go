package bulk

type T struct {
	s []byte
	r []rune
}

func f(t *T, dst, src []int, str string) string {
	copy(dst, src)      // want "WriteRange dst[:]" "ReadRange src[:]"
	n := copy(t.s, str) // want "ReadRange t.s 24" "WriteRange t.s[:]"
	_ = n
	dst = append(dst, 1)      // want "Append dst"
	dst = append(dst, src...) // want "ReadRange src[:]" "Append dst"
	t.s = append(t.s, str...) // want "ReadRange t.s 24" "Append t.s" "WriteRange t.s 24"
	clear(src)                // want "WriteRange src[:]"
	s := string(t.s)          // want "ReadRange t.s 24" "ReadRange t.s[:]"
	b := []byte(str)
	rs := string(t.r) // want "ReadRange t.r 24" "ReadRange t.r[:]"
	a := [2]int(src)  // want "ReadRange src[:]"
	_, _ = a, b
	return s + rs
}
