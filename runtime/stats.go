package runtime

import "sync/atomic"

// Counter identifies one statistics counter. The first nine have exactly
// the meaning of KCSAN's debugfs counters (kernel/kcsan/debugfs.c); the
// rest are gocsan's own.
type Counter int

const (
	UsedWatchpoints        Counter = iota // watchpoints armed right now (a gauge)
	SetupWatchpoints                      // watchpoints armed in total
	DataRaces                             // watchpoint hits by non-assert accesses, counted by the hitting side
	AssertFailures                        // assertion races (both sides may count)
	NoCapacity                            // all candidate slots of an access were busy
	ReportRaces                           // a hit lost the claim to another hitter or to the watcher
	RacesUnknownOrigin                    // value changed while armed, watchpoint not hit (counted even if not printed)
	UnencodableAccesses                   // accesses too large to watch (> 8192 bytes)
	EncodingFalsePositives                // watchpoint words matched, real address ranges did not
	ReportsPrinted                        // reports written to the sinks
	ReportsSuppressed                     // reports dropped by rate limiting, the ignore list or value_change_only
	DelayNanoseconds                      // time spent by watchers delaying, in nanoseconds
	SampledAccesses                       // accesses picked by sampling to set up a watchpoint
	DelayBudgetSkips                      // samples skipped because the delay budget was spent
	HBRaces                               // races reported by the happens-before detector
	HBResets                              // happens-before state dropped because a bound was reached
	numCounters
)

var counterNames = [...]string{
	UsedWatchpoints:        "used_watchpoints",
	SetupWatchpoints:       "setup_watchpoints",
	DataRaces:              "data_races",
	AssertFailures:         "assert_failures",
	NoCapacity:             "no_capacity",
	ReportRaces:            "report_races",
	RacesUnknownOrigin:     "races_unknown_origin",
	UnencodableAccesses:    "unencodable_accesses",
	EncodingFalsePositives: "encoding_false_positives",
	ReportsPrinted:         "reports_printed",
	ReportsSuppressed:      "reports_suppressed",
	DelayNanoseconds:       "delay_nanoseconds",
	SampledAccesses:        "sampled_accesses",
	DelayBudgetSkips:       "delay_budget_skips",
	HBRaces:                "hb_races",
	HBResets:               "hb_resets",
}

// The name table must cover every counter (KCSAN's static_assert).
var _ = [1]int{}[len(counterNames)-int(numCounters)]

// String returns the counter's KCSAN-style name.
func (c Counter) String() string {
	if c < 0 || c >= numCounters {
		return "unknown"
	}
	return counterNames[c]
}

// Counters returns every counter in order; the index is the Counter.
func Counters() []Counter {
	cs := make([]Counter, numCounters)
	for i := range cs {
		cs[i] = Counter(i)
	}
	return cs
}

type counterArray [numCounters]atomic.Int64

// counters are only touched in the slow paths, never per access, so one
// shared array costs nothing on the hot path. Relaxed semantics suffice:
// readers want eventually consistent numbers, not ordering. The array
// lives in the process's memory, or, with the stats_dir option, in a
// shared file mapping that other processes read (statsfile.go).
//
// Package-level initialization (not an init func) sets the pointer, so it
// is ready before any init func, including the one that reads GOCSAN.
var counters = func() *atomic.Pointer[counterArray] {
	p := new(atomic.Pointer[counterArray])
	p.Store(new(counterArray))
	return p
}()

func count(c Counter)           { counters.Load()[c].Add(1) }
func countN(c Counter, n int64) { counters.Load()[c].Add(n) }

// Stat returns the current value of one counter.
func Stat(c Counter) int64 { return counters.Load()[c].Load() }

// Stats returns a snapshot of all counters by name.
func Stats() map[string]int64 {
	cs := counters.Load()
	m := make(map[string]int64, numCounters)
	for i := range cs {
		m[counterNames[i]] = cs[i].Load()
	}
	return m
}
