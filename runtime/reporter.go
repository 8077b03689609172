package runtime

import (
	"fmt"
	"io"
	"os"
	goruntime "runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocsan/gocsan/report"
)

// reportKnownOrigin is the watcher's half of the rendezvous
// (kcsan_report_known_origin): it has the other goroutine's access and
// decides whether and what to report.
func reportKnownOrigin(o *Options, addr, size uintptr, typ accessType, other *report.Access,
	change valueChange, old, cur uint64, hasValue bool, mask uint64) {
	// The slot matched on encoded addresses; the real ones must overlap
	// too, or this was an encoding alias.
	if !matchingAccess(uintptr(other.Addr), uintptr(other.Size), addr, size) {
		count(EncodingFalsePositives)
		return
	}
	if change == valueFalse || (o.ValueChangeOnly && change == valueMaybe) {
		count(ReportsSuppressed)
		return
	}
	this := captureAccess(addr, size, typ)
	r := &report.Report{
		Kind:     report.KindDataRace,
		Accesses: []report.Access{*other, *this},
	}
	if other.Assert || this.Assert {
		r.Kind = report.KindAssert
	}
	if change == valueTrue && hasValue {
		r.ValueChanged, r.Old, r.New, r.Mask = true, old, cur, mask
	}
	emit(r)
}

// reportUnknownOrigin reports a value change nobody hit the watchpoint for.
func reportUnknownOrigin(addr, size uintptr, typ accessType, old, cur, mask uint64) {
	this := captureAccess(addr, size, typ)
	r := &report.Report{
		Kind:         report.KindUnknownOrigin,
		Accesses:     []report.Access{*this},
		ValueChanged: true, Old: old, New: cur, Mask: mask,
		Detection: report.DetectedValueChange,
	}
	if this.Assert {
		r.Kind = report.KindAssert
	}
	emit(r)
}

var (
	limiter     rateLimiter
	reportCount atomic.Uint64
	subscribers struct {
		sync.Mutex
		fns []func(*report.Report)
	}
	processDesc = fmt.Sprintf("pid %d, %s/%s, %s", os.Getpid(), goruntime.GOOS, goruntime.GOARCH, goruntime.Version())
)

type rateLimiter struct {
	mu sync.Mutex
	l  report.RateLimiter
}

func (r *rateLimiter) setWindow(d time.Duration) {
	r.mu.Lock()
	r.l = report.RateLimiter{Window: d}
	r.mu.Unlock()
}

func (r *rateLimiter) allow(rep *report.Report) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.l.Allow(rep, rep.Time)
}

// Subscribe registers fn to be called with every report that is printed,
// in the goroutine that found it. It returns a function that unsubscribes.
func Subscribe(fn func(*report.Report)) (cancel func()) {
	subscribers.Lock()
	defer subscribers.Unlock()
	subscribers.fns = append(subscribers.fns, fn)
	id := len(subscribers.fns) - 1
	return func() {
		subscribers.Lock()
		defer subscribers.Unlock()
		subscribers.fns[id] = nil
	}
}

// Reports returns the number of reports printed so far by this process.
func Reports() uint64 { return reportCount.Load() }

// captured counts active CaptureReports calls.
var captured atomic.Int32

// CaptureReports makes reports go only to Subscribe's functions: they are
// not printed, not counted by Reports and do not change the exit status,
// until the returned function is called. Tests that provoke races on
// purpose use it, so that they pass under gocsan test, whose test wrapper
// fails a test during which Reports grew. Calls nest.
func CaptureReports() (release func()) {
	captured.Add(1)
	var once sync.Once
	return func() { once.Do(func() { captured.Add(-1) }) }
}

// emit fills in the derived fields, applies the ignore list and the rate
// limit, and writes the report to every sink before returning, so that a
// report once printed survives whatever the program does next.
func emit(r *report.Report) {
	o := opts()
	r.Title = report.MakeTitle(r)
	r.Time = time.Now()
	r.Source = "go"
	r.Process = processDesc
	watcher := r.Accesses[len(r.Accesses)-1]
	r.Package = packageOf(watcher.Top().Function)
	for _, a := range r.Accesses {
		if ignored(o, a.Top().Function) {
			count(ReportsSuppressed)
			return
		}
	}
	if !limiter.allow(r) {
		count(ReportsSuppressed)
		return
	}
	if captured.Load() == 0 {
		sinks.write(r)
		reportCount.Add(1)
		count(ReportsPrinted)
	}
	subscribers.Lock()
	fns := slices.Clone(subscribers.fns)
	subscribers.Unlock()
	for _, fn := range fns {
		if fn != nil {
			fn(r)
		}
	}
	if o.HaltOnError {
		exit(o, 0)
	}
}

// ignored reports whether fn is on the ignore list, by exact function or
// by package.
func ignored(o *Options, fn string) bool {
	if fn == "" {
		return false
	}
	pkg := packageOf(fn)
	for _, ig := range o.Ignore {
		if ig == fn || ig == pkg {
			return true
		}
	}
	return false
}

// packageOf returns the import path of a function name such as
// "example.com/m/p.(*T).M.func1".
func packageOf(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	if dot := strings.IndexByte(fn[slash+1:], '.'); dot >= 0 {
		return fn[:slash+1+dot]
	}
	return fn
}

// sinks are where reports go: text to log_path, JSON lines to json_path.
// Every write is one unbuffered write call, made before the reporting
// goroutine continues.
var sinks sinkSet

type sinkSet struct {
	mu   sync.Mutex
	text io.Writer
	json *os.File
	// files opened for the current options, closed on reconfiguration
	textFile *os.File
}

func (s *sinkSet) reopen(o *Options) error {
	var text io.Writer
	var textFile, jsonFile *os.File
	switch o.LogPath {
	case "", "stderr":
		text = os.Stderr
	case "stdout":
		text = os.Stdout
	default:
		f, err := os.OpenFile(o.LogPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("option log_path: %v", err)
		}
		text, textFile = f, f
	}
	if o.JSONPath != "" {
		f, err := os.OpenFile(o.JSONPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			if textFile != nil {
				textFile.Close()
			}
			return fmt.Errorf("option json_path: %v", err)
		}
		jsonFile = f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.textFile != nil {
		s.textFile.Close()
	}
	if s.json != nil {
		s.json.Close()
	}
	s.text, s.textFile, s.json = text, textFile, jsonFile
	return nil
}

func (s *sinkSet) write(r *report.Report) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.json != nil {
		if line, err := report.MarshalLine(r); err == nil {
			// One write of the whole line: with O_APPEND, lines from the
			// processes of one run sharing a file never interleave.
			s.json.Write(line)
		}
	}
	if s.text != nil {
		report.WriteText(s.text, r)
	}
}

// Exit ends the program like os.Exit(code); instrumented code calls it in
// place of os.Exit. If races were reported and code is 0, the program
// exits with the exitcode option instead, as under GORACE.
func Exit(code int) { exit(opts(), code) }

func exit(o *Options, code int) {
	if code == 0 && Reports() > 0 && o.ExitCode != 0 {
		code = o.ExitCode
	}
	os.Exit(code)
}

// MainExit is deferred as the first statement of an instrumented
// main.main. When main returns normally after races were reported it
// exits with the exitcode option. A panic passes through unchanged.
func MainExit() {
	if p := recover(); p != nil {
		panic(p)
	}
	if Reports() > 0 {
		Exit(0)
	}
}
