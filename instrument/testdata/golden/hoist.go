package golden

// The element checks of simple range loops are hoisted into one ranged
// check before the loop, positioned at the first hoisted access.

func SumSlice(s []int) int {
	t := 0
	for i := range s {
		t += s[i]
	}
	return t
}

func ScaleSlice(s []int, k int) {
	for i := range s {
		s[i] *= k
	}
}

func Bump(s []int) {
L:
	for i, v := range s {
		if v < 0 {
			continue L
		}
		s[i] = v + 1
	}
	for i, v := range s {
		s[i] = v + 1
	}
}
