package runtime

import "runtime"

// The stack depot (one per hbWorld): stacks of recorded accesses, stored once each and
// named by a 32-bit id (0: none), so a shadow cell holds an id rather
// than a stack. Bounded: once it holds hbDepotBytes of program counters,
// new stacks get no id and their accesses are not recorded (which only
// misses races). Stacks are program counters, symbolized only when a
// race is reported.

const hbMaxDepth = 64

type stackDepot struct {
	mu    mutex
	ids   map[uint64]uint32
	pcs   [][]uintptr // by id-1
	bytes int64
	limit int64
}

func newDepot(limit int64) *stackDepot {
	return &stackDepot{ids: map[uint64]uint32{}, limit: limit}
}

// capture records the calling goroutine's stack, skip frames above the
// caller of capture's caller excluded, and returns its id and whether it
// was cut at hbMaxDepth frames.
func (d *stackDepot) capture(skip int) (uint32, bool) {
	var buf [hbMaxDepth]uintptr
	n := runtime.Callers(skip+1, buf[:])
	pcs := buf[:n]
	h := uint64(14695981039346656037)
	for _, pc := range pcs {
		h ^= uint64(pc)
		h *= 1099511628211
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if id, ok := d.ids[h]; ok && equalPCs(d.pcs[id-1], pcs) {
		return id, n == hbMaxDepth
	}
	size := int64(8*n + 64)
	if d.bytes+size > d.limit {
		return 0, false
	}
	d.bytes += size
	d.pcs = append(d.pcs, append([]uintptr(nil), pcs...))
	id := uint32(len(d.pcs))
	d.ids[h] = id
	return id, n == hbMaxDepth
}

func equalPCs(a, b []uintptr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// stack returns the program counters of id.
func (d *stackDepot) stack(id uint32) []uintptr {
	d.mu.Lock()
	defer d.mu.Unlock()
	if id == 0 || int(id) > len(d.pcs) {
		return nil
	}
	return d.pcs[id-1]
}
