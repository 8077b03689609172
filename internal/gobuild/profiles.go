package gobuild

import (
	"fmt"
	"sort"
	"strings"
)

// A Profile is a named set of GOCSAN defaults. The user's own GOCSAN
// fields are applied after it and win.
type Profile struct {
	Name    string
	Options string // GOCSAN syntax
	Doc     string
}

// Profiles is the one table of profiles; "gocsan test -h" and
// docs/usage.md show it.
var Profiles = []Profile{
	{"default", "sampling=adaptive skip=100000 delay=80us delay_budget=0.1",
		"Low overhead for everyday runs: adaptive sampling (a site's first executions are watched, its rate backing off tenfold per 10 samples; after 30 samples the site is hot and watched about once per 100000 accesses), each watchpoint armed for up to 80us (KCSAN's udelay_task), delays bounded to 10% of the time."},
	{"ci", "sampling=adaptive skip=100000 delay=500us delay_budget=0.5 reorder=1 lockdep=1",
		"Thorough, for CI: the same sampling with watchpoints armed up to 500us and delays bounded to half the time, plus the reordering model and the lock-order checker."},
}

// lookupProfile returns the profile named name.
func lookupProfile(name string) (Profile, error) {
	for _, p := range Profiles {
		if p.Name == name {
			return p, nil
		}
	}
	names := make([]string, len(Profiles))
	for i, p := range Profiles {
		names[i] = p.Name
	}
	sort.Strings(names)
	return Profile{}, fmt.Errorf("unknown profile %q (known: %s)", name, strings.Join(names, ", "))
}

// mergeOptions returns GOCSAN text with the fields of each layer, later
// layers overriding earlier ones field by field, in a stable order (the
// string is part of go test's cache key, through the environment the
// test reads).
func mergeOptions(layers ...string) string {
	var order []string
	val := map[string]string{}
	for _, l := range layers {
		for _, f := range strings.Fields(l) {
			name, _, _ := strings.Cut(f, "=")
			if _, ok := val[name]; !ok {
				order = append(order, name)
			}
			val[name] = f
		}
	}
	out := make([]string, len(order))
	for i, n := range order {
		out[i] = val[n]
	}
	return strings.Join(out, " ")
}

// optionValue returns the value of field name in GOCSAN text s.
func optionValue(s, name string) (string, bool) {
	v, ok := "", false
	for _, f := range strings.Fields(s) {
		if n, x, _ := strings.Cut(f, "="); n == name {
			v, ok = x, true
		}
	}
	return v, ok
}
