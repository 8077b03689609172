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
	n int32  // executions left before the next sample
	k uint32 // samples taken so far: the backoff stage
}

const siteBurst = 10 // samples per backoff stage

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
			setupWatchpoint(addr, size, typ, 0)
		}
		return
	}
	if s.n > 0 {
		return
	}
	s.n = int32(siteSkip(o, s.k))
	s.k++
	setupWatchpoint(addr, size, typ, 0)
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
