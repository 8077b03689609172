package realworld

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Frame is one stack entry of a report.
type Frame struct {
	Func string
	File string // as printed (absolute path, or a short one)
	Line int
}

func (f Frame) String() string {
	return f.Func + " " + filepath.Base(f.File) + ":" + strconv.Itoa(f.Line)
}

// Report is one race report, reduced to what scoring needs: the stacks of
// the racing accesses, kept apart from the stacks that only say where a
// goroutine was created (which name a location without accessing it).
type Report struct {
	Title    string
	Accesses [][]Frame
	Created  [][]Frame
}

// Summary names the report by the top frame of each access stack.
func (r Report) Summary() string {
	var parts []string
	for _, s := range r.Accesses {
		if len(s) > 0 {
			parts = append(parts, s[0].String())
		}
	}
	if len(parts) == 0 {
		return r.Title
	}
	return strings.Join(parts, " / ")
}

// A -race block:
//
//	==================
//	WARNING: DATA RACE
//	Write at 0x00c000014118 by goroutine 8:
//	  pkg.f()
//	      /path/file.go:47 +0x3c
//
//	Previous read at 0x00c000014118 by main goroutine:
//	  ...
//
//	Goroutine 8 (running) created at:
//	  ...
//	==================
var raceAccessHeader = regexp.MustCompile(`^(?i)(previous )?(atomic )?(read|write) at 0x[0-9a-f]+ by (main )?goroutine( \d+)?:$`)

// ParseRace returns the WARNING: DATA RACE blocks of go test -race output.
func ParseRace(out string) []Report {
	return parseBlocks(out, "WARNING: DATA RACE", func(line string) section {
		switch {
		case raceAccessHeader.MatchString(line):
			return accessSection
		case strings.Contains(line, " created at"):
			// "Goroutine 8 (running) created at:", "Mutex M1 ... created at:"
			return otherSection
		}
		return noSection
	})
}

// A gocsan block (report.WriteText):
//
//	==================================================================
//	BUG: KCSAN: data-race in a.f / a.g
//
//	write to 0x00001ce94d32e120 of 8 bytes by goroutine 18:
//	 a.f()
//	     /path/file.go:18
//	  |
//	  +-> reordered to: ...
//
//	goroutine 18 created by a.g in goroutine 17 at:
//	 a.g()
//	     /path/file.go:14
//
//	value changed: 0x0 -> 0x1
//
//	Reported by gocsan on:
//	pid 14053, linux/amd64, go1.26.8
//	==================================================================
var gocsanAccessHeader = regexp.MustCompile(`^(race at unknown origin, with )?\S.* (to 0x[0-9a-f]+ of \d+ bytes|\(0x[0-9a-f]+\)) by (goroutine \d+|task \d+ on cpu \d+|interrupt on cpu \d+):$`)

// ParseGocsan returns the BUG: KCSAN: blocks of gocsan's text output.
func ParseGocsan(out string) []Report {
	return parseBlocks(out, "BUG: KCSAN: ", func(line string) section {
		switch {
		case gocsanAccessHeader.MatchString(line):
			return accessSection
		case strings.Contains(line, " created by "):
			// "goroutine 18 created by a.g in goroutine 17 at:"; not
			// "Reported by gocsan on:", whose lines are no frames.
			return otherSection
		}
		return noSection
	})
}

type section int

const (
	noSection section = iota
	accessSection
	otherSection
)

// parseBlocks splits out into blocks that open with a line starting with
// start and close at a separator line (only '='), another start line or
// the end of the output. Inside a block, an unindented line is a section
// header, classified by header; indented lines under a header are frames:
// a function line ending in "()" followed by its "file:line" line.
func parseBlocks(out, start string, header func(string) section) []Report {
	var reports []Report
	var cur *Report
	var stack *[]Frame
	closeBlock := func() {
		if cur != nil {
			reports = append(reports, *cur)
		}
		cur, stack = nil, nil
	}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.HasPrefix(line, start) {
			closeBlock()
			cur = &Report{Title: strings.TrimSpace(strings.TrimPrefix(line, start))}
			if cur.Title == "" {
				cur.Title = strings.TrimSpace(line)
			}
			continue
		}
		if cur == nil {
			continue
		}
		if isSeparator(line) {
			closeBlock()
			continue
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			stack = nil
			switch header(trimmed) {
			case accessSection:
				cur.Accesses = append(cur.Accesses, nil)
				stack = &cur.Accesses[len(cur.Accesses)-1]
			case otherSection:
				cur.Created = append(cur.Created, nil)
				stack = &cur.Created[len(cur.Created)-1]
			}
			continue
		}
		if stack == nil {
			continue
		}
		if strings.HasSuffix(trimmed, "()") {
			*stack = append(*stack, Frame{Func: strings.TrimSuffix(trimmed, "()")})
			continue
		}
		n := len(*stack)
		if n == 0 || (*stack)[n-1].File != "" {
			continue // "|", "+-> reordered to:", or a stray line
		}
		if file, l, ok := fileLine(trimmed); ok {
			(*stack)[n-1].File, (*stack)[n-1].Line = file, l
		}
	}
	closeBlock()
	return reports
}

func isSeparator(line string) bool {
	return len(line) >= 10 && strings.Trim(line, "=") == ""
}

// fileLine parses "/path/file.go:47 +0x3c" or "/path/file.go:47".
func fileLine(s string) (string, int, bool) {
	if i := strings.Index(s, " +0x"); i >= 0 {
		s = s[:i]
	}
	i := strings.LastIndex(s, ":")
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return "", 0, false
	}
	return s[:i], n, true
}

// unsited returns gocsan's build warnings that leave a recorded access
// uninstrumented: a warning at a recorded file base name and line
// ("gocsan: warning: ./writer_test.go:63:9: gocsan: ... not
// instrumented"), or a package left whole uninstrumented (the warning
// ends "package not instrumented") under the "# pkg [pkg.test]" header
// of a recorded function's package. They say why a case was missed.
func unsited(out string, accs []Access) []string {
	var ws []string
	pkg := ""
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "# "); ok {
			pkg, _, _ = strings.Cut(rest, " ")
			continue
		}
		rest, ok := strings.CutPrefix(line, "gocsan: warning: ")
		if !ok {
			continue
		}
		pos, msg, ok := strings.Cut(rest, ": ")
		if !ok {
			continue
		}
		file, lineNo, ok := filePosition(pos)
		if !ok {
			continue
		}
		for _, a := range accs {
			atSite := filepath.Base(file) == a.File && lineNo == a.Line
			wholePackage := strings.HasSuffix(msg, "package not instrumented") && funcPackage(a.Func) == pkg
			if atSite || wholePackage {
				w := filepath.Base(file) + ":" + strconv.Itoa(lineNo) + ": " + strings.TrimPrefix(msg, "gocsan: ")
				if wholePackage && !atSite {
					w = pkg + ": " + w
				}
				if !contains(ws, w) {
					ws = append(ws, w)
				}
			}
		}
	}
	return ws
}

// filePosition parses "path/file.go:63:9" or "path/file.go:63".
func filePosition(s string) (string, int, bool) {
	if file, l, ok := fileLine(s); ok {
		if f2, l2, ok := fileLine(file); ok {
			return f2, l2, true // the column was parsed as the line
		}
		return file, l, true
	}
	return "", 0, false
}

// funcPackage returns the package path of a qualified function name as
// -race prints it: "github.com/x/y_test.TestZ" gives "github.com/x/y_test",
// "github.com/x/y.(*T).m" gives "github.com/x/y". A dot in the last path
// element is printed escaped ("gopkg.in/yaml%2ev3.(*parser).node"), which
// is what makes the first dot after the last slash the end of the path.
func funcPackage(fn string) string {
	slash := strings.LastIndex(fn, "/")
	if dot := strings.Index(fn[slash+1:], "."); dot >= 0 {
		fn = fn[:slash+1+dot]
	}
	return strings.ReplaceAll(fn, "%2e", ".")
}
