package fingerprint

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"sort"
	"strings"

	"github.com/gocsan/gocsan/report"
)

// Version prefixes every fingerprint, so that a change of the recipe
// shows up as "not in baseline" everywhere at once rather than as
// silent mismatches.
const Version = "v1"

// Of returns r's fingerprint, "v1:" followed by 32 hex digits. Two
// reports of the same race get the same fingerprint whichever access
// watched and wherever the files are checked out.
func Of(r *report.Report) string {
	sites := make([]string, 0, len(r.Accesses))
	for _, a := range r.Accesses {
		sites = append(sites, site(a))
	}
	sort.Strings(sites)
	h := sha256.New()
	h.Write([]byte(string(r.Kind)))
	for _, s := range sites {
		h.Write([]byte{0})
		h.Write([]byte(s))
	}
	return Version + ":" + hex.EncodeToString(h.Sum(nil)[:16])
}

// site names one access without its line: the top frame's function and
// file base name (forward or back slashes: reports may come from
// Windows), plus the lock class for lock-order reports, whose top frames
// are often one shared Lock wrapper.
func site(a report.Access) string {
	f := a.Top()
	file := f.File
	if i := strings.LastIndexAny(file, `/\`); i >= 0 {
		file = file[i+1:]
	}
	s := f.Function + "\x00" + path.Clean("/" + file)[1:]
	if a.LockClass != "" {
		s += "\x00" + a.LockClass
	}
	return s
}
