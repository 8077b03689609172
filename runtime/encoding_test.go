package runtime

import (
	"math/rand/v2"
	"testing"
)

// KCSAN's boot selftests (kernel/kcsan/selftest.c).

func TestEncodeDecode(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		addr := uintptr(slotRange + r.Uint64N(1<<47))
		size := uintptr(1 + r.IntN(maxEncodableSize))
		isWrite := r.IntN(2) == 1
		w := encodeWatchpoint(addr, size, isWrite)
		a, s, wr, ok := decodeWatchpoint(w)
		if !ok || a != addr || s != size || wr != isWrite {
			t.Fatalf("encode(%#x, %d, %v) = %#x decodes to (%#x, %d, %v, %v)", addr, size, isWrite, w, a, s, wr, ok)
		}
		if w == invalidWatchpoint || w == consumedWatchpoint {
			t.Fatalf("encoding %#x collides with a reserved value", w)
		}
	}
	for _, w := range []uint64{invalidWatchpoint, consumedWatchpoint} {
		if _, _, _, ok := decodeWatchpoint(w); ok {
			t.Errorf("reserved value %d decoded", w)
		}
	}
}

func TestMatchingAccess(t *testing.T) {
	for _, c := range []struct {
		a1, s1, a2, s2 uintptr
		want           bool
	}{
		{10, 1, 10, 1, true},
		{10, 2, 11, 1, true},
		{10, 1, 9, 2, true},
		{10, 1, 11, 1, false},
		{9, 1, 10, 1, false},
		// Size 0 would match: the fast path returns early for it.
		{8, 8, 12, 0, true},
	} {
		if got := matchingAccess(c.a1, c.s1, c.a2, c.s2); got != c.want {
			t.Errorf("matchingAccess(%d, %d, %d, %d) = %v, want %v", c.a1, c.s1, c.a2, c.s2, got, c.want)
		}
	}
}

func TestSlotWindow(t *testing.T) {
	// A page's right neighbour slot is the next page's primary slot, so an
	// access straddling a page boundary still finds a watchpoint there.
	for page := uintptr(0); page < 2*numWatchpoints; page++ {
		s := watchpointSlot(page * slotRange)
		next := watchpointSlot((page + 1) * slotRange)
		if s+numSlots-1 >= len(watchpoints) {
			t.Fatalf("window of page %d out of bounds", page)
		}
		if next != 0 && s+2 != next+1 {
			t.Fatalf("page %d: right slot %d is not page %d's primary slot %d", page, s+2, page+1, next+1)
		}
	}
}
