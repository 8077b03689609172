package runtime

import (
	goruntime "runtime"
	"sync/atomic"

	"github.com/gocsan/gocsan/runtime/record"
)

// reportKnownOrigin is the watcher's half of the rendezvous
// (kcsan_report_known_origin): it has the other goroutine's access and
// decides whether and what to report.
func reportKnownOrigin(o *Options, addr, size uintptr, typ accessType, other *record.Access,
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
	r := &record.Report{
		Kind:     record.KindDataRace,
		Accesses: []record.Access{*other, *this},
	}
	if other.Assert || this.Assert {
		r.Kind = record.KindAssert
	}
	if change == valueTrue && hasValue {
		r.ValueChanged, r.Old, r.New, r.Mask = true, old, cur, mask
	}
	emit(r)
}

// reportUnknownOrigin reports a value change nobody hit the watchpoint for.
func reportUnknownOrigin(addr, size uintptr, typ accessType, old, cur, mask uint64) {
	this := captureAccess(addr, size, typ)
	r := &record.Report{
		Kind:         record.KindUnknownOrigin,
		Accesses:     []record.Access{*this},
		ValueChanged: true, Old: old, New: cur, Mask: mask,
		Detection: record.DetectedValueChange,
	}
	if this.Assert {
		r.Kind = record.KindAssert
	}
	emit(r)
}

var (
	limiter     rateLimiter
	reportCount atomic.Uint64
	subscribers struct {
		mutex
		fns []func(*record.Report)
	}
	processDesc = "pid " + itoa(int64(getpid())) + ", " + goruntime.GOOS + "/" + goruntime.GOARCH + ", " + goruntime.Version()
)

// rateLimiter suppresses a report whose unordered pair of top frames was
// already reported within the window: KCSAN's rate_limit_report (and
// report.RateLimiter's rule, for one process).
type rateLimiter struct {
	mu     mutex
	window Duration
	last   map[string]int64 // pair key -> nanotime of its last report
}

func (r *rateLimiter) setWindow(d Duration) {
	r.mu.Lock()
	r.window, r.last = d, nil
	r.mu.Unlock()
}

func (r *rateLimiter) allow(rep *record.Report, now int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.window <= 0 {
		return true
	}
	key := record.PairKey(rep)
	if r.last == nil {
		r.last = make(map[string]int64)
	}
	if t, ok := r.last[key]; ok && now-t < int64(r.window) {
		return false
	}
	r.last[key] = now
	return true
}

// Subscribe registers fn to be called with every report that is printed,
// in the goroutine that found it. It returns a function that unsubscribes.
// (sanitizer.OnReport hands out the same reports as report.Report.)
func Subscribe(fn func(*record.Report)) (cancel func()) {
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
	var done atomic.Bool // the first call releases; pairs with itself
	return func() {
		if done.CompareAndSwap(false, true) {
			captured.Add(-1)
		}
	}
}

// emit fills in the derived fields, applies the ignore list and the rate
// limit, and writes the report to every sink before returning, so that a
// report once printed survives whatever the program does next.
func emit(r *record.Report) {
	o := opts()
	r.Title = record.Title(r)
	r.Time = wallNanos()
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
	if !limiter.allow(r, nanotime()) {
		count(ReportsSuppressed)
		return
	}
	if captured.Load() == 0 {
		sinks.write(r)
		reportCount.Add(1)
		count(ReportsPrinted)
	}
	subscribers.Lock()
	fns := append([]func(*record.Report){}, subscribers.fns...)
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
	slash := lastIndexByte(fn, '/')
	if dot := indexByte(fn[slash+1:], '.'); dot >= 0 {
		return fn[:slash+1+dot]
	}
	return fn
}

// sinks are where reports go: text to log_path, JSON lines to json_path.
// Every write is one unbuffered write call, made before the reporting
// goroutine continues.
var sinks sinkSet

type sinkSet struct {
	mu      mutex
	text    sysFile
	hasText bool
	json    sysFile
	hasJSON bool
	// files opened for the current options, closed on reconfiguration
	textOpened bool
}

func (s *sinkSet) reopen(o *Options) error {
	var text, jsonFile sysFile
	textOpened, hasJSON := false, false
	switch o.LogPath {
	case "", "stderr":
		text = stderrFile
	case "stdout":
		text = stdoutFile
	default:
		f, err := openAppend(o.LogPath)
		if err != nil {
			return optionError("option log_path: " + err.Error())
		}
		text, textOpened = f, true
	}
	if o.JSONPath != "" {
		f, err := openAppend(o.JSONPath)
		if err != nil {
			if textOpened {
				closeFile(text)
			}
			return optionError("option json_path: " + err.Error())
		}
		jsonFile, hasJSON = f, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.textOpened {
		closeFile(s.text)
	}
	if s.hasJSON {
		closeFile(s.json)
	}
	s.text, s.hasText, s.textOpened = text, true, textOpened
	s.json, s.hasJSON = jsonFile, hasJSON
	return nil
}

func (s *sinkSet) write(r *record.Report) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hasJSON {
		// One write of the whole line: with O_APPEND, lines from the
		// processes of one run sharing a file never interleave.
		writeAll(s.json, record.AppendJSON(nil, r))
	}
	if s.hasText {
		writeAll(s.text, record.AppendText(nil, r))
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
	exitProcess(code)
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
