package record

// Title computes the KCSAN title of r from its kind and accesses:
// "data-race in A / B" with the two top-frame functions sorted, so the
// same pair always gets the same title whichever side watched, or
// "data-race in F+0xOFF/0xSIZE" for an unknown origin.
func Title(r *Report) string {
	if r.Kind == KindLockOrder {
		return lockOrderTitle(r)
	}
	prefix := "data-race"
	if r.Kind == KindAssert {
		prefix = "assert: race"
	}
	if len(r.Accesses) == 1 {
		return prefix + " in " + frameWithOffset(r.Accesses[0].Top())
	}
	if len(r.Accesses) == 0 {
		return prefix
	}
	a, b := r.Accesses[0].Top(), r.Accesses[1].Top()
	fa, fb := a.Function, b.Function
	if frameSortKey(b) < frameSortKey(a) {
		fa, fb = fb, fa
	}
	return prefix + " in " + fa + " / " + fb
}

func frameSortKey(f Frame) string {
	if f.SymSize != 0 {
		return frameWithOffset(f)
	}
	// fmt's %08d: the sign counts towards the width.
	if f.Line < 0 {
		return f.Function + ":-" + string(appendPadded(nil, uint64(-int64(f.Line)), 10, 7))
	}
	return f.Function + ":" + string(appendPadded(nil, uint64(f.Line), 10, 8))
}

// frameWithOffset is "F+0xOFF/0xSIZE" for a kernel frame, "F (file:line)"
// for a Go frame with a position, else the function alone.
func frameWithOffset(f Frame) string {
	if f.SymSize != 0 || f.Offset != 0 {
		return f.Function + "+0x" + hexString(f.Offset) + "/0x" + hexString(f.SymSize)
	}
	if f.File != "" {
		return f.Function + " (" + f.File + ":" + itoa(int64(f.Line)) + ")"
	}
	return f.Function
}

// PairKey identifies the unordered pair of top frames of r, the key of
// KCSAN's rate limiter. Two reports with the same PairKey are the same
// race.
func PairKey(r *Report) string {
	var keys []string
	for _, a := range r.Accesses {
		t := a.Top()
		keys = append(keys, t.Function+" "+t.File+":"+itoa(int64(t.Line))+" "+hexString(t.Offset))
	}
	if len(keys) == 1 {
		keys = append(keys, "")
	}
	sortStrings(keys)
	s := string(r.Kind) + "|"
	for i, k := range keys {
		if i > 0 {
			s += "|"
		}
		s += k
	}
	return s
}

// lockOrderTitle names the cycle, starting from its smallest class so the
// same cycle always gets the same title: "possible circular locking
// dependency: a.mu -> b.mu -> a.mu", or "recursive locking of a.mu".
func lockOrderTitle(r *Report) string {
	if len(r.Accesses) == 1 {
		a := r.Accesses[0]
		if a.Op == OpRLock {
			return "recursive read locking of " + a.LockClass
		}
		return "recursive locking of " + a.LockClass
	}
	var cycle []string
	for _, a := range r.Accesses {
		cycle = append(cycle, a.HeldClass)
	}
	start := 0
	for i := range cycle {
		if cycle[i] < cycle[start] {
			start = i
		}
	}
	s := "possible circular locking dependency: "
	for i := range cycle {
		s += cycle[(start+i)%len(cycle)] + " -> "
	}
	if len(cycle) > 0 {
		s += cycle[start]
	}
	return s
}

// sortStrings sorts a short slice in place (insertion sort).
func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
