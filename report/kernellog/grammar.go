package kernellog

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gocsan/gocsan/report"
)

// The line grammar of kernel/kcsan/report.c (print_report and friends)
// and of printk's console prefixes. Hand-written rather than regular
// expressions: each function says which part of a line it rejects, and
// none can be made slow by hostile input.

// SplitPrefix strips the prefixes a console line may carry: a syslog
// level ("<3>"), the printk timestamp ("[    8.299921]") and the caller id
// of CONFIG_PRINTK_CALLER ("[  T123]" for a task, "[    C1]" for a CPU in
// interrupt context), then the single space printk puts before the
// message. It returns the message and the caller id ("" if none).
func SplitPrefix(line string) (msg, caller string) {
	s := line
	if len(s) > 2 && s[0] == '<' {
		if i := strings.IndexByte(s, '>'); i > 1 && i <= 4 && allDigits(s[1:i]) {
			s = s[i+1:]
		}
	}
	prefixed := false
	if inner, rest, ok := bracket(s); ok && isTimestamp(inner) {
		s, prefixed = rest, true
	}
	if inner, rest, ok := bracket(s); ok && isCaller(inner) {
		s, caller, prefixed = rest, inner, true
	}
	if prefixed && strings.HasPrefix(s, " ") {
		s = s[1:]
	}
	return s, caller
}

// bracket splits "[inner]rest" and trims inner.
func bracket(s string) (inner, rest string, ok bool) {
	if !strings.HasPrefix(s, "[") {
		return "", s, false
	}
	i := strings.IndexByte(s, ']')
	if i < 0 || i > 32 {
		return "", s, false
	}
	return strings.TrimSpace(s[1:i]), s[i+1:], true
}

func isTimestamp(s string) bool {
	a, b, ok := strings.Cut(s, ".")
	return ok && allDigits(a) && allDigits(b)
}

func isCaller(s string) bool {
	return len(s) > 1 && (s[0] == 'T' || s[0] == 'C') && allDigits(s[1:])
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseFrame parses one stack entry as printed by %pS: "func+0x1d/0x30",
// "func+0x1d/0x30 [module]" (a build id after the module name is
// ignored), or a bare address "0xffffffffc0001234" when the kernel found
// no symbol. A leading "? " (an unreliable frame) is accepted.
func ParseFrame(s string) (report.Frame, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "? ")
	var f report.Frame
	if strings.HasSuffix(s, "]") {
		i := strings.LastIndex(s, " [")
		if i < 0 {
			return f, false
		}
		mod := strings.Fields(s[i+2 : len(s)-1])
		if len(mod) == 0 || len(mod) > 2 {
			return f, false
		}
		f.Module = mod[0]
		s = s[:i]
	}
	if strings.HasPrefix(s, "0x") && f.Module == "" {
		v, err := strconv.ParseUint(s[2:], 16, 64)
		if err != nil {
			return f, false
		}
		f.Function, f.PC = s, v
		return f, true
	}
	i := strings.LastIndex(s, "+0x")
	if i <= 0 {
		return f, false
	}
	name, off := s[:i], s[i+3:]
	if strings.ContainsAny(name, " \t") {
		return f, false
	}
	o, sz, ok := strings.Cut(off, "/0x")
	if !ok {
		return f, false
	}
	var err1, err2 error
	f.Offset, err1 = strconv.ParseUint(o, 16, 64)
	f.SymSize, err2 = strconv.ParseUint(sz, 16, 64)
	if err1 != nil || err2 != nil {
		return f, false
	}
	f.Function = name
	return f, true
}

// accessTypes are KCSAN's access type strings without the "(marked)"
// and "(reordered)" qualifiers, longest first so "read-write" is not
// taken for "read".
var accessTypes = []struct {
	s      string
	op     report.Op
	assert bool
}{
	{"assert no accesses", report.OpWrite, true},
	{"assert no writes", report.OpRead, true},
	{"read-write", report.OpReadWrite, false},
	{"write", report.OpWrite, false},
	{"read", report.OpRead, false},
}

// parseAccess parses
//
//	[race at unknown origin, with ]<type> to 0x<addr> of <n> bytes by {task <pid>|interrupt} on cpu <n>:
func parseAccess(t string) (a report.Access, unknown bool, err error) {
	s := t
	if rest, ok := strings.CutPrefix(s, "race at unknown origin, with "); ok {
		s, unknown = rest, true
	}
	found := false
	for _, at := range accessTypes {
		if rest, ok := strings.CutPrefix(s, at.s); ok {
			s, a.Op, a.Assert, found = rest, at.op, at.assert, true
			break
		}
	}
	if !found {
		return a, false, errors.New("unknown access type")
	}
	if rest, ok := strings.CutPrefix(s, " ("); ok {
		q, rest2, ok := strings.Cut(rest, ")")
		if !ok {
			return a, false, errors.New("unclosed access qualifier")
		}
		switch q {
		case "marked":
			a.Marked = true
		case "reordered":
			a.Reordered = true
		case "marked, reordered":
			a.Marked, a.Reordered = true, true
		default:
			return a, false, errors.New("unknown access qualifier (" + q + ")")
		}
		if a.Assert && a.Marked {
			return a, false, errors.New("an assertion cannot be marked")
		}
		s = rest2
	}
	s, ok := strings.CutPrefix(s, " to 0x")
	if !ok {
		return a, false, errors.New("missing \" to 0x<address>\"")
	}
	var addr, size string
	addr, s, ok = strings.Cut(s, " of ")
	if !ok {
		return a, false, errors.New("missing \" of <n> bytes\"")
	}
	if a.Addr, err = strconv.ParseUint(addr, 16, 64); err != nil {
		return a, false, errors.New("bad address 0x" + addr)
	}
	size, s, ok = strings.Cut(s, " bytes by ")
	if !ok {
		return a, false, errors.New("missing \" bytes by \"")
	}
	if a.Size, err = strconv.ParseUint(size, 10, 64); err != nil {
		return a, false, errors.New("bad size " + size)
	}
	if rest, ok := strings.CutPrefix(s, "interrupt"); ok {
		a.Interrupt, a.Goroutine, s = true, -1, rest
	} else if rest, ok := strings.CutPrefix(s, "task "); ok {
		pid, rest2, _ := strings.Cut(rest, " ")
		if a.Goroutine, err = strconv.ParseInt(pid, 10, 64); err != nil || a.Goroutine < 0 {
			return a, false, errors.New("bad task id " + pid)
		}
		s = " " + rest2
	} else {
		return a, false, errors.New("want \"task <pid>\" or \"interrupt\"")
	}
	cpu, ok := strings.CutPrefix(s, " on cpu ")
	if !ok {
		return a, false, errors.New("missing \" on cpu <n>:\"")
	}
	cpu, ok = strings.CutSuffix(cpu, ":")
	if !ok {
		return a, false, errors.New("missing the final ':'")
	}
	n, err := strconv.ParseInt(cpu, 10, 32)
	if err != nil || n < 0 {
		return a, false, errors.New("bad cpu " + cpu)
	}
	a.CPU = int(n)
	return a, unknown, nil
}

// parseValueChanged parses "value changed: 0x<old> -> 0x<new>".
func parseValueChanged(t string) (old, new uint64, ok bool) {
	s, ok := strings.CutPrefix(t, "value changed: 0x")
	if !ok {
		return 0, 0, false
	}
	o, n, ok := strings.Cut(s, " -> 0x")
	if !ok {
		return 0, 0, false
	}
	var e1, e2 error
	old, e1 = strconv.ParseUint(o, 16, 64)
	new, e2 = strconv.ParseUint(n, 16, 64)
	return old, new, e1 == nil && e2 == nil
}

// parseBitsChanged parses "bits changed: 0x<bits> with mask 0x<mask>"
// and returns the mask (the changed bits follow from Old, New and Mask).
func parseBitsChanged(t string) (mask uint64, ok bool) {
	s, ok := strings.CutPrefix(t, "bits changed: 0x")
	if !ok {
		return 0, false
	}
	b, m, ok := strings.Cut(s, " with mask 0x")
	if !ok {
		return 0, false
	}
	if _, err := strconv.ParseUint(b, 16, 64); err != nil {
		return 0, false
	}
	mask, err := strconv.ParseUint(m, 16, 64)
	return mask, err == nil
}
