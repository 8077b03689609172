package runtime

import "sync/atomic"

// Two budgets bound what the engine costs.
//
// The sampling budget is a count of accesses, kept by instrumented code
// in a local variable of each function invocation (see Budget and the
// *Slow entry points in site.go): counting down a register costs nothing
// measurable, where counting down a package-level counter on every access
// makes a store-to-load chain through memory in tight loops and a cache
// line every core writes when goroutines run the same code. Invocations
// draw their budget independently, uniformly from [1, about 2·skip], so every
// access is sampled with probability about 1/skip whether the function
// runs once with a million accesses or a million times with one.
//
// The delay budget (options delay_budget, delay_burst) bounds the time
// watchers spend delaying, as a token bucket shared by all goroutines:
// it fills at delay_budget nanoseconds per nanosecond of wall-clock time
// and holds at most delay_burst. Not per P: a single goroutine, the
// common case of a benchmark, could then spend all of its time delaying
// once GOMAXPROCS reached 1/delay_budget. Cold code is sampled often, with
// delays, and a program that touches a lot of it would otherwise spend
// most of its time asleep. A sample that finds the bucket empty is
// skipped; its site stays due and is sampled once the bucket refills.

var (
	// budgetRange is Budget's range [base, base+mask] as mask<<32 | base,
	// one load on the path of every function invocation.
	budgetRange atomic.Uint64

	delayTokens atomic.Int64 // nanoseconds of delay left
	delayRefill atomic.Int64 // nanotime of the last refill
	delayRate   atomic.Int64 // refill rate in parts per million of wall time, 0: no bound
	delayBurst  atomic.Int64 // bucket size in nanoseconds
)

// Budget returns how many accesses the calling function invocation
// performs before its next sample. Instrumented code calls it once per
// invocation and counts down the result in a local variable.
func Budget() int32 {
	r := budgetRange.Load()
	return int32(r) + int32(cheaprand()&uint32(r>>32))
}

func setBudgetRange(base int32, mask uint32) {
	budgetRange.Store(uint64(mask)<<32 | uint64(uint32(base)))
}

func configureBudget(o *Options) {
	switch {
	case !o.Enabled:
		setBudgetRange(maxInt32, 0)
	case o.SkipRandomize && o.Skip > 1:
		// [1, 2^m] with skip < 2^m <= 2·skip: a mask is cheaper than a
		// multiplication, and the mean stays within a factor of two
		// of skip.
		m := uint32(1)
		for m <= uint32(o.Skip) {
			m <<= 1
		}
		setBudgetRange(1, m-1)
	default:
		setBudgetRange(int32(o.Skip), 0)
	}
	delayRate.Store(int64(o.DelayBudget * 1e6))
	delayBurst.Store(int64(o.DelayBurst))
	delayTokens.Store(int64(o.DelayBurst))
	delayRefill.Store(nanotime())
}

// delayAllowed reports whether the delay budget has time left for
// another watcher. It refills the bucket first.
func delayAllowed() bool {
	rate := delayRate.Load()
	if rate == 0 {
		return true
	}
	now := nanotime()
	last := delayRefill.Load()
	if elapsed := now - last; elapsed > 0 && delayRefill.CompareAndSwap(last, now) {
		add := elapsed / 1000 * rate / 1000
		if t := delayTokens.Add(add); t > delayBurst.Load() {
			// Losing a concurrent charge here only errs towards delaying.
			delayTokens.Store(delayBurst.Load())
		}
	}
	if delayTokens.Load() > 0 {
		return true
	}
	count(DelayBudgetSkips)
	return false
}

// chargeDelay takes a finished delay out of the budget.
func chargeDelay(d Duration) {
	if delayRate.Load() != 0 {
		delayTokens.Add(-int64(d))
	}
}
