package runtime

// Per-site adaptive sampling (option sampling=adaptive), LiteRace's
// cold-region policy: code that ran rarely is where races hide, code that
// ran a million times is already debugged. The rewriter gives every
// instrumented access site its own Site in a package variable and calls
// the *At entry points, whose fast path is inlined into the instrumented
// code: a decrement of the site's counter and a load of the armed count.
// A site's first executions are all sampled; every burst of samples
// divides its rate by ten, down to one in skip.
//
// One comparison covers both reasons to leave the fast path: the counter
// ran out, or some watchpoint is armed and must be checked. armedLimit is
// 0 while the table is empty and MaxInt32 while anything is armed.
//
// The counter is written without atomics: when goroutines race on it a
// decrement may be lost, which only shifts a sample. go:norace keeps Go's
// race detector, which checks gocsan's own tests, from reporting that.

// Site is the sampling state of one instrumented access site.
type Site struct {
	n   int32  // executions left before the next sample
	k   uint32 // samples taken so far: the backoff stage
	hot bool   // the site finished its cold phase: see Due
}

const (
	siteBurst   = 10            // samples per backoff stage
	coldSamples = 3 * siteBurst // cold phase: stages of rate 1, 1/10, 1/100

	// exemptSamples of a site's first samples are taken whatever the
	// delay budget says. Few: their cost is paid per site, and a large
	// package's first run of a benchmark pays it for all its sites.
	exemptSamples = 3
)

// Statement-level accesses use a budget local to the function invocation
// (budget.go) and a site that is written only while it is cold:
//
//	if b--; site.Due(b) { b = ReadSlow(&site, addr, size, b) }
//
// A cold site takes the slow path on every execution, which counts its
// executions and samples its first bursts (the adaptive policy); a hot
// site is only read, and leaves the fast path when the invocation's
// budget runs out or a watchpoint is armed. Under uniform sampling every
// site is hot from its first execution.

// Due reports whether an access at s, with b accesses of its invocation's
// budget left, must take the slow path.
//
//go:norace
func (s *Site) Due(b int32) bool {
	return b <= armedLimit.Load() || !s.hot
}

// ReadSlow is the slow path of a statement-level read at s; it returns
// the budget the invocation continues with.
//
//go:noinline
func ReadSlow(s *Site, addr, size uintptr, b int32) int32 { return slowAt(s, addr, size, 0, b) }

// WriteSlow is ReadSlow for a write.
//
//go:noinline
func WriteSlow(s *Site, addr, size uintptr, b int32) int32 {
	return slowAt(s, addr, size, accessWrite, b)
}

// ReadWriteSlow is ReadSlow for a read-modify-write (x++, x op= y).
//
//go:noinline
func ReadWriteSlow(s *Site, addr, size uintptr, b int32) int32 {
	return slowAt(s, addr, size, accessCompound|accessWrite, b)
}

// ReadRangeSlow is ReadSlow for a bulk read.
//
//go:noinline
func ReadRangeSlow(s *Site, addr, size uintptr, b int32) int32 {
	return slowAt(s, addr, clampRange(size), 0, b)
}

// WriteRangeSlow is ReadSlow for a bulk write.
//
//go:noinline
func WriteRangeSlow(s *Site, addr, size uintptr, b int32) int32 {
	return slowAt(s, addr, clampRange(size), accessWrite, b)
}

//go:norace
func slowAt(s *Site, addr, size uintptr, typ accessType, b int32) int32 {
	sample := false
	if b <= 0 {
		sample = true
		b = Budget()
	}
	if size == 0 {
		return b
	}
	if armed.Load() != 0 && checkWatchpoints(addr, size, typ) {
		return b
	}
	exempt := false // from the delay budget
	if !s.hot {
		o := opts()
		switch {
		case o.Sampling != samplingAdaptive || !o.Enabled:
			s.hot = true
		default:
			if s.n--; s.n <= 0 {
				sample = true
				exempt = s.k < exemptSamples
				s.n = int32(siteSkip(o, s.k))
				if s.k++; s.k >= coldSamples {
					s.hot = true
				}
			}
		}
	}
	// A sample the delay budget has no time for is dropped, and the site
	// goes on on its schedule (a site left due would take the slow path
	// on every execution until the budget refills). A site's first
	// samples are exempt: new code is where races are found, and what
	// watching it costs is bounded by the amount of code, not by how long
	// the program runs.
	if sample && (exempt || delayAllowed()) {
		setupWatchpoint(addr, size, typ, 0)
	}
	// After the watchpoint (see hbAfterWatch).
	if sample && hbOn.Load() {
		hbAccess(addr, size, typ)
	}
	return b
}

// ReadAt is Read for an instrumented site.
//
//go:norace
func ReadAt(s *Site, addr, size uintptr) {
	s.n--
	if s.n <= armedLimit.Load() {
		siteRead(s, addr, size)
	}
}

// WriteAt is Write for an instrumented site.
//
//go:norace
func WriteAt(s *Site, addr, size uintptr) {
	s.n--
	if s.n <= armedLimit.Load() {
		siteWrite(s, addr, size)
	}
}

// ReadWriteAt is ReadWrite for an instrumented site.
//
//go:norace
func ReadWriteAt(s *Site, addr, size uintptr) {
	s.n--
	if s.n <= armedLimit.Load() {
		siteReadWrite(s, addr, size)
	}
}

// ReadRangeAt is ReadRange for an instrumented site.
//
//go:norace
func ReadRangeAt(s *Site, addr, size uintptr) {
	s.n--
	if s.n <= armedLimit.Load() {
		siteReadRange(s, addr, size)
	}
}

// WriteRangeAt is WriteRange for an instrumented site.
//
//go:norace
func WriteRangeAt(s *Site, addr, size uintptr) {
	s.n--
	if s.n <= armedLimit.Load() {
		siteWriteRange(s, addr, size)
	}
}

// ReadAtB is ReadAt usable inside an expression; it returns true.
//
//go:norace
func ReadAtB(s *Site, addr, size uintptr) bool {
	s.n--
	if s.n <= armedLimit.Load() {
		siteRead(s, addr, size)
	}
	return true
}

// WriteAtB is WriteAt usable inside an expression; it returns true.
//
//go:norace
func WriteAtB(s *Site, addr, size uintptr) bool {
	s.n--
	if s.n <= armedLimit.Load() {
		siteWrite(s, addr, size)
	}
	return true
}

// The slow entries take one argument less than siteSlow, which keeps the
// *At fast paths within the inliner's budget.
//
//go:noinline
func siteRead(s *Site, addr, size uintptr) { siteSlow(s, addr, size, 0) }

//go:noinline
func siteWrite(s *Site, addr, size uintptr) { siteSlow(s, addr, size, accessWrite) }

//go:noinline
func siteReadRange(s *Site, addr, size uintptr) { siteSlow(s, addr, clampRange(size), 0) }

//go:noinline
func siteWriteRange(s *Site, addr, size uintptr) { siteSlow(s, addr, clampRange(size), accessWrite) }

//go:noinline
func siteReadWrite(s *Site, addr, size uintptr) { siteSlow(s, addr, size, accessCompound|accessWrite) }

//go:norace
func siteSlow(s *Site, addr, size uintptr, typ accessType) {
	if size == 0 {
		return
	}
	if armed.Load() != 0 && checkWatchpoints(addr, size, typ) {
		return
	}
	o := opts()
	if o.Sampling != samplingAdaptive {
		// Uniform sampling: the site only routes to the per-P counter.
		s.n = 1
		if shouldWatch() {
			resetSkip(o)
			if delayAllowed() {
				setupWatchpoint(addr, size, typ, 0)
			}
			if hbOn.Load() {
				hbAccess(addr, size, typ) // after the watchpoint: see hbAfterWatch
			}
		}
		return
	}
	if s.n > 0 {
		return
	}
	exempt := s.k < exemptSamples // see slowAt
	s.n = int32(siteSkip(o, s.k))
	s.k++
	if exempt || delayAllowed() {
		setupWatchpoint(addr, size, typ, 0)
	}
	if hbOn.Load() {
		hbAccess(addr, size, typ) // after the watchpoint: see hbAfterWatch
	}
}

// siteSkip is the number of executions until a site's next sample after
// k samples: 1 for the first burst, then about 10, 100, ... (randomized
// in [1, 2r) so sites in lockstep drift apart), capped at skip.
func siteSkip(o *Options, k uint32) int64 {
	r := int64(1)
	for stage := k / siteBurst; stage > 0 && r < int64(o.Skip); stage-- {
		r *= 10
	}
	r = min(r, int64(o.Skip), 1<<30)
	if r > 1 && o.SkipRandomize {
		r = 1 + int64(prandom(uint32(2*r-1)))
	}
	return r
}
