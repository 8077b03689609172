package report

import (
	"sync"
	"time"
)

// RateLimiter suppresses a report whose unordered pair of top frames was
// already reported within the window: KCSAN's rate_limit_report, which
// prints the same pair at most once per CONFIG_KCSAN_REPORT_ONCE_IN_MS.
// Unlike KCSAN it is not a fixed array: Go's allocator is not sanitized
// by gocsan, so the reporter may allocate.
type RateLimiter struct {
	Window time.Duration // 0 disables rate limiting

	mu   sync.Mutex
	last map[string]time.Time
}

// Allow reports whether r should be printed at now, and records it.
func (l *RateLimiter) Allow(r *Report, now time.Time) bool {
	if l.Window <= 0 {
		return true
	}
	key := PairKey(r)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last == nil {
		l.last = make(map[string]time.Time)
	}
	if t, ok := l.last[key]; ok && now.Sub(t) < l.Window {
		return false
	}
	l.last[key] = now
	return true
}

// Dedup returns reports with later duplicates (same PairKey) removed,
// keeping the first of each, in order, and the number of times each kept
// report was seen.
func Dedup(reports []*Report) (unique []*Report, counts []int) {
	index := make(map[string]int)
	for _, r := range reports {
		k := PairKey(r)
		if i, ok := index[k]; ok {
			counts[i]++
			continue
		}
		index[k] = len(unique)
		unique = append(unique, r)
		counts = append(counts, 1)
	}
	return unique, counts
}
