package kernellog

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gocsan/gocsan/report"
)

// Limits that keep garbage from growing a report without bound. KCSAN
// saves at most 64 stack entries (NUM_STACK_ENTRIES); a real report is
// about 30 lines, 60 with CONFIG_KCSAN_VERBOSE's lock lists.
const (
	maxFrames      = 64
	maxReportLines = 400
	// MaxLineLen is the longest line kept whole; longer lines are cut
	// (printk itself never emits more than 1024 bytes per record).
	MaxLineLen = 16 << 10
)

// Skip is an input line the parser did not use inside a report, or a
// report it had to close early, with the reason.
type Skip struct {
	Name   string // input name, as given to the Parser
	Line   int    // 1-based line number in the input
	Reason string
	Text   string // the line (shortened)
}

func (s Skip) Error() string {
	return fmt.Sprintf("%s:%d: %s: %q", s.Name, s.Line, s.Reason, s.Text)
}

// Parser is a streaming KCSAN report parser. Feed it lines in order with
// Line (raw console lines) or Message (text without printk prefixes, with
// the stream key a source knows); it returns each report as soon as its
// closing separator arrives. Reports are kept apart by printk caller id,
// so two reports printed from different tasks or CPUs at once do not mix.
// A Parser is not safe for concurrent use.
type Parser struct {
	// Name names the input in Skip messages.
	Name string
	// Now, if set, stamps Report.Time when a report is complete.
	Now func() time.Time

	line int
	open map[string]*pending
	// sep holds, per stream, the separator line seen just before, which
	// opens the next report's Raw text.
	sep map[string]string
}

type pending struct {
	r      *report.Report
	header int // line of the BUG: header
	raw    []string
	cur    int  // index of the access whose stack is being read, -1 if none
	footer bool // inside "Reported by ..." block
	lines  int
	last   time.Time
}

// NewParser returns a Parser whose Skip messages name the input name.
func NewParser(name string) *Parser {
	return &Parser{Name: name}
}

// Parse reads a whole console log and returns its reports in the order
// they were completed, and the lines it skipped inside reports (each a
// Skip, which is an error naming the line). The error is non-nil only
// when reading fails; reports parsed up to then are returned.
func Parse(rd io.Reader, name string) ([]*report.Report, []Skip, error) {
	p := NewParser(name)
	var reports []*report.Report
	var skips []Skip
	br := bufio.NewReaderSize(rd, 64<<10)
	for {
		line, cut, err := ReadLine(br)
		if line != "" || err == nil {
			rs, ss := p.Line(line)
			reports = append(reports, rs...)
			skips = append(skips, ss...)
			if cut {
				skips = append(skips, Skip{Name: name, Line: p.line, Reason: fmt.Sprintf("line longer than %d bytes, cut", MaxLineLen), Text: short(line)})
			}
		}
		if err != nil {
			rs, ss := p.Flush()
			reports = append(reports, rs...)
			skips = append(skips, ss...)
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return reports, skips, err
		}
	}
}

// ReadLine reads one line from br without its line ending. Lines longer
// than MaxLineLen are cut (cut is true) and the rest is discarded. At the
// end of input it returns the last unterminated line, if any, with io.EOF.
func ReadLine(br *bufio.Reader) (line string, cut bool, err error) {
	var b []byte
	for {
		chunk, e := br.ReadSlice('\n')
		if len(b)+len(chunk) > MaxLineLen {
			n := MaxLineLen - len(b)
			if n > 0 {
				b = append(b, chunk[:n]...)
			}
			cut = true
		} else {
			b = append(b, chunk...)
		}
		if e == bufio.ErrBufferFull {
			continue
		}
		if e != nil {
			return strings.TrimRight(string(b), "\r\n"), cut, e
		}
		return strings.TrimRight(string(b), "\r\n"), cut, nil
	}
}

// Line parses one raw console line: printk timestamp and caller id are
// recognised and stripped, the caller id keys the report stream.
func (p *Parser) Line(raw string) ([]*report.Report, []Skip) {
	raw = strings.TrimRight(raw, "\r\n")
	msg, caller := SplitPrefix(raw)
	return p.feed(caller, msg, raw)
}

// Message parses one message that has no printk prefix (as /dev/kmsg and
// the console tracepoint deliver them). key separates concurrent streams:
// the printk caller id or the CPU the message was printed on; "" if
// unknown.
func (p *Parser) Message(key, msg string) ([]*report.Report, []Skip) {
	msg = strings.TrimRight(msg, "\r\n")
	return p.feed(key, msg, msg)
}

// Flush closes every open report as truncated (the input ended) and
// returns those that have at least one access.
func (p *Parser) Flush() ([]*report.Report, []Skip) {
	return p.flush(func(*pending) bool { return true })
}

// FlushIdle closes, as truncated, the open reports whose last line
// arrived before t (by Now; without Now it closes nothing). A live
// collector calls it periodically so a report cut off by lost console
// lines is still shown.
func (p *Parser) FlushIdle(t time.Time) ([]*report.Report, []Skip) {
	if p.Now == nil {
		return nil, nil
	}
	return p.flush(func(q *pending) bool { return q.last.Before(t) })
}

// Open reports whether a report is being read.
func (p *Parser) Open() bool { return len(p.open) > 0 }

func (p *Parser) flush(which func(*pending) bool) ([]*report.Report, []Skip) {
	var rs []*report.Report
	var ss []Skip
	// Close in header order so output is deterministic.
	for len(p.open) > 0 {
		var key string
		var first *pending
		for k, q := range p.open {
			if which(q) && (first == nil || q.header < first.header) {
				key, first = k, q
			}
		}
		if first == nil {
			break
		}
		r, s := p.finish(key, "input ended inside the report")
		if r != nil {
			rs = append(rs, r)
		}
		ss = append(ss, s...)
	}
	return rs, ss
}

func (p *Parser) skip(reason, text string) Skip {
	return Skip{Name: p.Name, Line: p.line, Reason: reason, Text: short(text)}
}

func short(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

func (p *Parser) feed(key, msg, raw string) (rs []*report.Report, ss []Skip) {
	p.line++
	if p.open == nil {
		p.open = make(map[string]*pending)
		p.sep = make(map[string]string)
	}
	t := strings.TrimSpace(msg)
	q := p.open[key]

	if isSeparator(t) {
		if q != nil {
			q.raw = append(q.raw, raw)
			// If a header follows directly, this line was really the
			// opening separator of the next report (this one lost its
			// closing line): keep it for that one too.
			p.sep[key] = raw
			r, s := p.finish(key, "")
			if r != nil {
				rs = append(rs, r)
			}
			return rs, s
		}
		p.sep[key] = raw
		return nil, nil
	}

	if title, ok := strings.CutPrefix(t, "BUG: KCSAN: "); ok {
		if q != nil {
			r, s := p.finish(key, fmt.Sprintf("truncated: the next report began at line %d", p.line))
			if r != nil {
				rs = append(rs, r)
			}
			ss = append(ss, s...)
		}
		sep := p.sep[key]
		delete(p.sep, key)
		kind, ok := titleKind(title)
		if !ok {
			ss = append(ss, p.skip("not a KCSAN report title (want \"data-race in ...\" or \"assert: race in ...\")", raw))
			return rs, ss
		}
		q = &pending{
			r:      &report.Report{Kind: kind, Title: title, Source: "kernel"},
			header: p.line,
			cur:    -1,
		}
		if sep != "" {
			q.raw = append(q.raw, sep)
		}
		q.raw = append(q.raw, raw)
		q.lines = 1
		if p.Now != nil {
			q.last = p.Now()
		}
		p.open[key] = q
		return rs, ss
	}
	delete(p.sep, key)
	if q == nil {
		// An ordinary console line outside any report.
		return nil, nil
	}

	q.lines++
	if p.Now != nil {
		q.last = p.Now()
	}
	if q.lines > maxReportLines {
		ss = append(ss, p.skip(fmt.Sprintf("report has more than %d lines", maxReportLines), raw))
		r, s := p.finish(key, fmt.Sprintf("truncated: more than %d lines", maxReportLines))
		if r != nil {
			rs = append(rs, r)
		}
		return rs, append(ss, s...)
	}
	if s, ok := p.reportLine(q, t); !ok {
		ss = append(ss, p.skip(s, raw))
		return rs, ss
	}
	q.raw = append(q.raw, raw)
	return rs, ss
}

// reportLine applies one trimmed line to the open report q. It returns
// false and the reason when the line is not part of the report.
func (p *Parser) reportLine(q *pending, t string) (string, bool) {
	r := q.r
	switch {
	case t == "":
		return "", true
	case q.footer:
		// dump_stack_print_info: "CPU: ...", then "Tainted: ..." (6.12+)
		// and "Hardware name: ..." when DMI is present.
		if strings.HasPrefix(t, "CPU: ") {
			if r.Process == "" {
				r.Process = t
			}
			return "", true
		}
		if strings.HasPrefix(t, "Tainted: ") || strings.HasPrefix(t, "Hardware name: ") {
			return "", true
		}
		return "not part of the Reported-by block; taken as interleaved console output", false
	case t == "Reported by Kernel Concurrency Sanitizer on:":
		q.footer = true
		q.cur = -1
		return "", true
	case strings.Contains(t, " bytes by "):
		a, unknown, err := parseAccess(t)
		if err != nil {
			return "malformed access line: " + err.Error(), false
		}
		switch {
		case len(r.Accesses) >= 2:
			return "a third access line in one report", false
		case unknown && len(r.Accesses) > 0:
			return "\"race at unknown origin\" after another access", false
		case len(r.Accesses) == 1 && r.Kind == report.KindUnknownOrigin:
			return "a second access in an unknown-origin report", false
		}
		if unknown {
			r.Kind = report.KindUnknownOrigin
		}
		r.Accesses = append(r.Accesses, a)
		q.cur = len(r.Accesses) - 1
		return "", true
	case t == "|":
		if q.cur < 0 {
			return "\"|\" outside a stack", false
		}
		return "", true
	case strings.HasPrefix(t, "+-> reordered to:"):
		if q.cur < 0 {
			return "\"reordered to\" outside a stack", false
		}
		f, ok := ParseFrame(strings.TrimSpace(strings.TrimPrefix(t, "+-> reordered to:")))
		if !ok {
			return "malformed \"reordered to\" frame", false
		}
		r.Accesses[q.cur].ReorderedTo = &f
		return "", true
	case strings.HasPrefix(t, "value changed:"):
		o, n, ok := parseValueChanged(t)
		if !ok {
			return "malformed \"value changed\" line", false
		}
		r.ValueChanged, r.Old, r.New = true, o, n
		q.cur = -1
		return "", true
	case strings.HasPrefix(t, "seen by: "):
		// gocsan's text reports name how the race was seen.
		r.Detection = strings.TrimPrefix(t, "seen by: ")
		q.cur = -1
		return "", true
	case strings.HasPrefix(t, "bits changed:"):
		m, ok := parseBitsChanged(t)
		if !ok {
			return "malformed \"bits changed\" line", false
		}
		r.Mask = m
		return "", true
	}
	if f, ok := ParseFrame(t); ok {
		if q.cur < 0 {
			return "stack frame outside an access's stack", false
		}
		a := &r.Accesses[q.cur]
		if len(a.Stack) >= maxFrames {
			return fmt.Sprintf("more than %d frames in one stack", maxFrames), false
		}
		a.Stack = append(a.Stack, f)
		return "", true
	}
	return "not KCSAN report syntax; taken as interleaved console output", false
}

// finish closes the open report of stream key. reason is "" when the
// closing separator was seen, else why the report ended early. It
// returns the report if it has at least one access.
func (p *Parser) finish(key, reason string) (*report.Report, []Skip) {
	q := p.open[key]
	delete(p.open, key)
	r := q.r
	var ss []Skip
	header := strings.Join(q.raw[:min(len(q.raw), 2)], "\n")
	if len(r.Accesses) == 0 {
		why := "report has no access line"
		if reason != "" {
			why = "report " + reason + ", before its first access line"
		}
		return nil, append(ss, Skip{Name: p.Name, Line: q.header, Reason: why, Text: short(header)})
	}
	want := 2
	if r.Kind == report.KindUnknownOrigin {
		want = 1
	}
	switch {
	case reason != "":
		ss = append(ss, Skip{Name: p.Name, Line: q.header, Reason: "report " + reason + "; kept what was read", Text: short(header)})
	case !q.footer:
		ss = append(ss, Skip{Name: p.Name, Line: q.header, Reason: "report closed before its \"Reported by\" block (truncated?); kept what was read", Text: short(header)})
	case len(r.Accesses) < want:
		ss = append(ss, Skip{Name: p.Name, Line: q.header, Reason: fmt.Sprintf("report has %d of %d access lines; kept what was read", len(r.Accesses), want), Text: short(header)})
	}
	for _, a := range r.Accesses {
		if len(a.Stack) == 0 {
			ss = append(ss, Skip{Name: p.Name, Line: q.header, Reason: "an access of this report has no stack", Text: short(header)})
			break
		}
	}
	r.Raw = strings.Join(q.raw, "\n") + "\n"
	if p.Now != nil {
		r.Time = p.Now()
	}
	return r, ss
}

func isSeparator(t string) bool {
	if len(t) < 20 {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] != '=' {
			return false
		}
	}
	return true
}

func titleKind(title string) (report.Kind, bool) {
	rest, ok := strings.CutPrefix(title, "data-race in ")
	kind := report.KindDataRace
	if !ok {
		rest, ok = strings.CutPrefix(title, "assert: race in ")
		kind = report.KindAssert
	}
	if !ok || strings.TrimSpace(rest) == "" {
		return "", false
	}
	return kind, true
}
