package runtime

import "sync/atomic"

// Vector clocks of the happens-before detector (hb_*.go), in the style of
// ThreadSanitizer v3: one entry per slot, a bounded number of slots
// (option hb_slots) reused across goroutines, epochs per slot that only
// grow, so that a clock entry stays meaningful when its slot changes
// owner. A goroutine's own entry is its current epoch.
//
// Entries are atomic: a clock is written by one writer at a time (the
// goroutine that owns it, or the holder of a sync object's lock) but read
// by other goroutines when a candidate race is validated (hb_report.go).
// Relaxed loads suffice there: the validation only ever errs towards
// finding more knowledge, which suppresses a report.
type vclock []atomic.Uint32

func newClock(slots int) vclock { return make(vclock, slots) }

// get returns the entry of slot s.
func (c vclock) get(s int) uint32 { return c[s].Load() }

// raise sets the entry of slot s to e if that is larger.
func (c vclock) raise(s int, e uint32) {
	if c[s].Load() < e {
		c[s].Store(e)
	}
}

// join makes c the entry-wise maximum of c and o (an acquire of o, or a
// release into c). Only c's writer calls it.
func (c vclock) join(o vclock) (changed bool) {
	for i := range o {
		if v := o[i].Load(); v > c[i].Load() {
			c[i].Store(v)
			changed = true
		}
	}
	return changed
}

// covers reports whether c knows epoch e of slot s.
func (c vclock) covers(s int, e uint32) bool { return c[s].Load() >= e }
