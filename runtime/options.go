package runtime

import "sync/atomic"

// Options holds every tunable of the engine. They come from one place: the
// GOCSAN environment variable, in the style of GORACE
// (GOCSAN="skip=1 delay=2ms unknown_origin=0"), parsed at program start,
// or Configure in code. optionTable below documents each one with its
// default; docs/options.md is generated from it and a test keeps the two
// equal.
type Options struct {
	Enabled                 bool
	Skip                    int
	Sampling                string
	SkipRandomize           bool
	Delay                   Duration
	DelayRandomize          bool
	DelayBudget             float64
	DelayBurst              Duration
	DelayWindow             Duration
	DelayWindowShare        float64
	UnknownOrigin           bool
	ValueChangeOnly         bool
	AssumePlainWritesAtomic bool
	ReportOnceIn            Duration
	ExitCode                int
	HaltOnError             bool
	LogPath                 string
	JSONPath                string
	StatsDir                string
	Reorder                 bool
	ReorderWindow           Duration
	Lockdep                 bool
	Ignore                  []string
	StripPathPrefix         string
	MaxStack                int
	HB                      bool
	HBSlots                 int
	HBMemory                int
}

// optionError is an error about an option, its text complete.
type optionError string

func (e optionError) Error() string { return string(e) }

type option struct {
	name, def, doc string
	set            func(o *Options, v string) error
	get            func(o *Options) string
}

const (
	samplingUniform  = "uniform"
	samplingAdaptive = "adaptive"
)

// optionTable is the single list of options: name, default, effect.
var optionTable = []option{
	boolOption("enabled", "1", "Turns the engine on or off; off, instrumented code only pays the fast path and never reports.",
		func(o *Options) *bool { return &o.Enabled }),
	intOption("skip", "4000", 1, 1<<30, "Sampling: a watchpoint is armed about once per `skip` plain accesses on each P (KCSAN's skip_watch). 1 arms one on every access.",
		func(o *Options) *int { return &o.Skip }),
	{name: "sampling", def: "uniform", doc: "How accesses are picked: `uniform` counts down one skip counter per P over all plain accesses (KCSAN); `adaptive` keeps a counter per access site that samples a site's first executions and then backs off tenfold per burst of 10 samples down to one in skip (LiteRace), so cold code is watched often and hot loops cost little.",
		set: func(o *Options, v string) error {
			if v != samplingUniform && v != samplingAdaptive {
				return optionError("want uniform or adaptive")
			}
			o.Sampling = v
			return nil
		}, get: func(o *Options) string { return o.Sampling }},
	boolOption("skip_randomize", "1", "Draw each skip count uniformly from [1, skip] instead of using skip itself, so periodic access patterns are not always sampled at the same phase.",
		func(o *Options) *bool { return &o.SkipRandomize }),
	durationOption("delay", "80us", "How long a watchpoint stays armed (KCSAN's udelay_task). A Go duration.",
		func(o *Options) *Duration { return &o.Delay }),
	boolOption("delay_randomize", "1", "Draw each delay from (0, delay] (from (delay/2, delay] for read-write accesses and assertions), as KCSAN does.",
		func(o *Options) *bool { return &o.DelayRandomize }),
	{name: "delay_budget", def: "0", doc: "Bounds the cost of delays: watchers, together, may delay for at most this fraction of the wall-clock time, plus a burst of delay_burst; a sample beyond the budget is skipped and its site stays due. 0 sets no bound (KCSAN has none); 0.1 keeps delays within about 10% overhead.",
		set: func(o *Options, v string) error {
			f, ok := parseDecimal(v)
			if !ok || f < 0 || f > 1 {
				return optionError("want a fraction between 0 and 1")
			}
			o.DelayBudget = f
			return nil
		}, get: func(o *Options) string { return formatFloat(o.DelayBudget) }},
	durationOption("delay_burst", "50ms", "How much delay time delay_budget lets accumulate, so that a short test's first samples are never skipped.",
		func(o *Options) *Duration { return &o.DelayBurst }),
	durationOption("delay_window", "10ms", "With delay_budget, also bounds each goroutine's delays: within any delay_window of real time, one goroutine is delayed for at most delay_window_share of it, wherever the process-wide budget would let its delays cluster. 0 sets no per-goroutine bound.",
		func(o *Options) *Duration { return &o.DelayWindow }),
	{name: "delay_window_share", def: "0.5", doc: "The fraction of each delay_window that one goroutine may spend delayed (with delay_budget): 0.5 slows any stretch of a goroutine's work at most about twofold, well within the uniform slowdown of go test -race, so timing that holds under -race holds under gocsan.",
		set: func(o *Options, v string) error {
			f, ok := parseDecimal(v)
			if !ok || f <= 0 || f > 1 {
				return optionError("want a fraction above 0, at most 1")
			}
			o.DelayWindowShare = f
			return nil
		}, get: func(o *Options) string { return formatFloat(o.DelayWindowShare) }},
	boolOption("unknown_origin", "1", "Report a value that changed while armed although no instrumented access hit the watchpoint (\"race at unknown origin\"). Assertions always report.",
		func(o *Options) *bool { return &o.UnknownOrigin }),
	boolOption("value_change_only", "0", "Report a hit only if the watched value changed (KCSAN's non-strict default). 0 reports every conflicting pair, as Go's race detector does.",
		func(o *Options) *bool { return &o.ValueChangeOnly }),
	boolOption("assume_plain_writes_atomic", "0", "Never watch aligned plain writes of at most 8 bytes (KCSAN's non-strict default). 0 watches them: the Go memory model gives them no atomicity.",
		func(o *Options) *bool { return &o.AssumePlainWritesAtomic }),
	durationOption("report_once_in", "3s", "Report the same pair of top frames at most once per this duration (KCSAN's report_once_in_ms); 0 disables rate limiting.",
		func(o *Options) *Duration { return &o.ReportOnceIn }),
	boolOption("reorder", "0", "Model reordering: a watched plain access that saw no conflict during its delay stays watched, marked \"(reordered)\", until its goroutine's next releasing or full barrier (sync/atomic operation, unlock, channel send or close, WaitGroup.Done, go statement) or until reorder_window passes.",
		func(o *Options) *bool { return &o.Reorder }),
	durationOption("reorder_window", "10ms", "Longest time a reordered access stays in flight; bounds what synchronization inside uninstrumented code could hide.",
		func(o *Options) *Duration { return &o.ReorderWindow }),
	boolOption("lockdep", "0", "Check lock order: report sync.Mutex/RWMutex acquisitions that close a cycle in the graph of lock classes (a possible deadlock), and recursive locking.",
		func(o *Options) *bool { return &o.Lockdep }),
	intOption("exitcode", "66", 0, 255, "Exit status of a program that reported races and would otherwise exit 0 (GORACE's exitcode); 0 disables.",
		func(o *Options) *int { return &o.ExitCode }),
	boolOption("halt_on_error", "0", "Exit with exitcode right after the first report.",
		func(o *Options) *bool { return &o.HaltOnError }),
	stringOption("log_path", "stderr", "Where text reports go: stderr, stdout, or a file (appended).",
		func(o *Options) *string { return &o.LogPath }),
	stringOption("json_path", "", "Also append each report as one JSON line to this file, written before the program goes on, so it survives a later panic, os.Exit or kill.",
		func(o *Options) *string { return &o.JSONPath }),
	{name: "ignore", def: "", doc: "Comma-separated functions (pkg.Func, pkg.(*T).Method) or packages (pkg/path) whose reports are suppressed when either top frame matches (KCSAN's filter list).",
		set: func(o *Options, v string) error {
			o.Ignore = nil
			for v != "" {
				var s string
				s, v, _ = cut(v, ",")
				if s = trimSpace(s); s != "" {
					o.Ignore = append(o.Ignore, s)
				}
			}
			return nil
		}, get: func(o *Options) string { return join(o.Ignore, ",") }},
	stringOption("stats_dir", "", "Keep this process's counters in a shared memory-mapped file DIR/<pid>.stats, current at every moment and kept after exit, for `gocsan test -metrics-addr` and `gocsan metrics`.",
		func(o *Options) *string { return &o.StatsDir }),
	stringOption("strip_path_prefix", "", "Remove this prefix from file names in reports.",
		func(o *Options) *string { return &o.StripPathPrefix }),
	boolOption("hb", "0", "Happens-before detection beside the watchpoints: every lock, channel operation, atomic and call of uninstrumented code is tracked, sampled accesses are recorded in a shadow table and a later conflicting access not ordered after them is reported (detection `happens-before`), however far apart in time.",
		func(o *Options) *bool { return &o.HB }),
	intOption("hb_slots", "64", 4, 4096, "Slots of the happens-before detector's vector clocks (ThreadSanitizer v3's): goroutines share them, a dead goroutine's slot is reused; a goroutine finding none free keeps a clock but its accesses are not recorded. Clock operations cost O(hb_slots).",
		func(o *Options) *int { return &o.HBSlots }),
	intOption("hb_memory", "64", 1, 1<<16, "Bound, in MiB, of the happens-before detector's memory: a quarter for goroutine clocks, a quarter for lock clocks, 3/8 for the shadow table (allocated as used), 1/8 for recorded stacks. A full table empties all of it (counter hb_resets).",
		func(o *Options) *int { return &o.HBMemory }),
	intOption("max_stack", "64", 1, 1024, "Frames kept per stack (KCSAN's NUM_STACK_ENTRIES).",
		func(o *Options) *int { return &o.MaxStack }),
}

func boolOption(name, def, doc string, f func(*Options) *bool) option {
	return option{name: name, def: def, doc: doc,
		set: func(o *Options, v string) error {
			switch v {
			case "1", "true":
				*f(o) = true
			case "0", "false":
				*f(o) = false
			default:
				return optionError("want 0 or 1")
			}
			return nil
		},
		get: func(o *Options) string {
			if *f(o) {
				return "1"
			}
			return "0"
		}}
}

func intOption(name, def string, lo, hi int, doc string, f func(*Options) *int) option {
	return option{name: name, def: def, doc: doc,
		set: func(o *Options, v string) error {
			n, ok := atoi(v)
			if !ok || n < lo || n > hi {
				return optionError("want an integer in [" + itoa(int64(lo)) + ", " + itoa(int64(hi)) + "]")
			}
			*f(o) = n
			return nil
		},
		get: func(o *Options) string { return itoa(int64(*f(o))) }}
}

func durationOption(name, def, doc string, f func(*Options) *Duration) option {
	return option{name: name, def: def, doc: doc,
		set: func(o *Options, v string) error {
			d, ok := parseDuration(v)
			if !ok || d < 0 {
				return optionError("want a non-negative duration such as 80us or 2ms")
			}
			*f(o) = d
			return nil
		},
		get: func(o *Options) string {
			if *f(o) == 0 {
				return "0"
			}
			return f(o).String()
		}}
}

func stringOption(name, def, doc string, f func(*Options) *string) option {
	return option{name: name, def: def, doc: doc,
		set: func(o *Options, v string) error { *f(o) = v; return nil },
		get: func(o *Options) string { return *f(o) }}
}

// DefaultOptions returns the options with every default of optionTable.
func DefaultOptions() Options {
	var o Options
	for _, opt := range optionTable {
		if err := opt.set(&o, opt.def); err != nil {
			panic("gocsan: bad default for option " + opt.name + ": " + err.Error())
		}
	}
	return o
}

// ParseOptions applies a GOCSAN-style string ("name=value name=value") on
// top of base. An unknown name or a bad value is an error naming it.
func ParseOptions(base Options, s string) (Options, error) {
	o := base
	for _, field := range fields(s) {
		name, value, ok := cut(field, "=")
		if !ok {
			return base, optionError("option " + quote(field) + ": want name=value")
		}
		opt := lookupOption(name)
		if opt == nil {
			return base, optionError("unknown option " + quote(name) + " (known: " + join(OptionNames(), ", ") + ")")
		}
		if err := opt.set(&o, value); err != nil {
			return base, optionError("option " + name + "=" + quote(value) + ": " + err.Error())
		}
	}
	return o, nil
}

func lookupOption(name string) *option {
	for i := range optionTable {
		if optionTable[i].name == name {
			return &optionTable[i]
		}
	}
	return nil
}

// OptionNames lists every option name, sorted.
func OptionNames() []string {
	names := make([]string, len(optionTable))
	for i, o := range optionTable {
		names[i] = o.name
	}
	sortStrings(names)
	return names
}

// String renders o in GOCSAN syntax, every option included.
func (o Options) String() string {
	parts := make([]string, len(optionTable))
	for i, opt := range optionTable {
		parts[i] = opt.name + "=" + opt.get(&o)
	}
	return join(parts, " ")
}

// OptionsTable renders the options as a Markdown table: name, default,
// effect. docs/options.md holds its output.
func OptionsTable() string {
	b := "| option | default | effect |\n|---|---|---|\n"
	for _, o := range optionTable {
		def := o.def
		if def == "" {
			def = "(empty)"
		}
		b += "| `" + o.name + "` | `" + def + "` | " + o.doc + " |\n"
	}
	return b
}

// current holds the options in force. The hot path never reads it; the
// slow paths load it once each, so Configure may run at any time.
var current atomic.Pointer[Options]

func opts() *Options { return current.Load() }

// statsDirInUse is the stats_dir whose file holds the counters; Configure
// runs rarely and callers serialize it, as options are process-wide.
var statsDirInUse string

// CurrentOptions returns the options in force.
func CurrentOptions() Options { return *current.Load() }

var configureMu mutex

// Configure replaces the options in force.
func Configure(o Options) error {
	configureMu.Lock()
	defer configureMu.Unlock()
	if o.Skip < 1 {
		return optionError("gocsan: option skip must be >= 1")
	}
	if o.MaxStack < 1 {
		o.MaxStack = 64
	}
	if err := sinks.reopen(&o); err != nil {
		return err
	}
	if o.StatsDir != "" && o.StatsDir != statsDirInUse {
		if err := openStatsFile(o.StatsDir); err != nil {
			return err
		}
		statsDirInUse = o.StatsDir
	}
	if prev := current.Load(); o.Lockdep && (prev == nil || !prev.Lockdep) {
		resetLockdep()
	}
	current.Store(&o)
	enabled.Store(o.Enabled)
	lockdepActive.Store(o.Enabled && o.Lockdep)
	configureBudget(&o)
	configureHB(&o)
	dropLingers()
	limiter.setWindow(o.ReportOnceIn)
	return nil
}

func init() {
	o, err := ParseOptions(DefaultOptions(), getenv("GOCSAN"))
	if err == nil {
		err = Configure(o)
	}
	if err != nil {
		// An invalid option stops the program at start, as GORACE does.
		writeAll(stderrFile, []byte("gocsan: invalid GOCSAN environment variable: "+err.Error()+"\n"))
		exitProcess(2)
	}
}
