package sarif

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/fingerprint"
	"github.com/gocsan/gocsan/report/srcpos"
)

// Schema is the $schema GitHub expects.
const Schema = "https://json.schemastore.org/sarif-2.1.0.json"

// Options say how to place and label the results.
type Options struct {
	// Root is the repository root: files under it become repository
	// relative URIs, the only ones code scanning can show.
	Root string
	// ToolVersion is gocsan's version, if known.
	ToolVersion string
	// Category becomes runAutomationDetails.id ("category/"), which
	// keeps uploads of different jobs from closing each other's alerts.
	Category string
}

// rule describes one report kind. The ids are report.Kind values, stable
// because alerts are matched across runs by rule id and fingerprint.
type rule struct {
	kind        report.Kind
	name, short string
	full, help  string
	level       string
	precision   string
	tags        []string
}

var rules = []rule{
	{report.KindDataRace, "DataRace", "Data race",
		"Two goroutines accessed the same memory at overlapping times, at least one of them writing, without synchronization. gocsan saw both accesses happen while a watchpoint was armed on one of them.",
		"A data race makes the program's behaviour undefined under the Go memory model: values may be torn, stale or never observed. Protect the shared variable with a sync.Mutex, use sync/atomic for both accesses, or hand the value over through a channel. The two stacks show which code ran the racing accesses and where their goroutines were created.",
		"error", "high", []string{"concurrency", "data-race"}},
	{report.KindAssert, "AssertionRace", "Concurrency assertion violated",
		"An access conflicted with a gocsan assertion (AssertExclusiveWriter, AssertExclusiveAccess, AssertExclusiveBits) that declared the memory exclusive to the asserting goroutine.",
		"The code relies on being the only writer (or accessor) of this memory at this point, and another goroutine accessed it concurrently. Either the assertion's assumption is wrong, or the other access lacks the synchronization the design requires.",
		"error", "high", []string{"concurrency", "data-race", "assertion"}},
	{report.KindUnknownOrigin, "RaceUnknownOrigin", "Data race with an uninstrumented writer",
		"The value of watched memory changed while a watchpoint was armed, but no instrumented access hit the watchpoint: the writer was code gocsan does not instrument (assembly, cgo, an excluded package).",
		"Only one side of the race is known. Look for writers of this memory in code outside the instrumented packages and synchronize them with the access shown.",
		"warning", "medium", []string{"concurrency", "data-race"}},
	{report.KindLockOrder, "LockOrder", "Possible deadlock (lock order inversion)",
		"Locks were acquired in orders that form a cycle, or a goroutine locked a mutex it already held: a possible deadlock.",
		"Acquire the locks of the cycle in one global order everywhere, or avoid holding one while acquiring the other.",
		"error", "high", []string{"concurrency", "deadlock"}},
}

// Write writes one SARIF log with one run holding a result for each of
// reports (deduplicated, with counts from report.Dedup; counts may be nil).
func Write(w io.Writer, reports []*report.Report, counts []int, opt Options) error {
	b, err := json.MarshalIndent(Build(reports, counts, opt), "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Build returns the SARIF log as the JSON object Write writes.
func Build(reports []*report.Report, counts []int, opt Options) map[string]any {
	driverRules := []any{}
	ruleIndex := map[report.Kind]int{}
	addRule := func(rl rule) {
		ruleIndex[rl.kind] = len(driverRules)
		driverRules = append(driverRules, obj{
			"id":                   string(rl.kind),
			"name":                 rl.name,
			"shortDescription":     text(rl.short),
			"fullDescription":      text(rl.full),
			"help":                 obj{"text": rl.help, "markdown": rl.help},
			"defaultConfiguration": obj{"level": rl.level},
			"properties":           obj{"precision": rl.precision, "tags": rl.tags, "problem.severity": rl.level},
		})
	}
	for _, rl := range rules {
		addRule(rl)
	}
	results := []any{}
	for i, r := range reports {
		if _, ok := ruleIndex[r.Kind]; !ok {
			// A kind this writer does not know yet still gets a rule:
			// dropping the report would lose it.
			k := string(r.Kind)
			if k == "" {
				k = "unknown"
			}
			addRule(rule{kind: r.Kind, name: k, short: "gocsan report: " + k, full: "A gocsan report of kind " + k + ".", help: "See the report's stacks.", level: "error", precision: "medium"})
		}
		n := 1
		if i < len(counts) {
			n = counts[i]
		}
		results = append(results, result(r, n, ruleIndex[r.Kind], opt.Root))
	}
	driver := obj{"name": "gocsan", "informationUri": "https://github.com/gocsan/gocsan", "rules": driverRules}
	if opt.ToolVersion != "" {
		driver["version"] = opt.ToolVersion
	}
	run := obj{
		"tool":       obj{"driver": driver},
		"results":    results,
		"columnKind": "unicodeCodePoints",
	}
	if opt.Root != "" {
		// Lets viewers other than GitHub (which uses the checkout)
		// resolve the relative URIs.
		run["originalUriBaseIds"] = obj{"%SRCROOT%": obj{"uri": "file://" + escapeURI(ensureSlash(filepath.ToSlash(filepath.Clean(opt.Root)))+"/")}}
	}
	if opt.Category != "" {
		run["automationDetails"] = obj{"id": strings.TrimSuffix(opt.Category, "/") + "/"}
	}
	return obj{"$schema": Schema, "version": "2.1.0", "runs": []any{run}}
}

type obj = map[string]any

func text(s string) obj { return obj{"text": s} }

func result(r *report.Report, count, ruleIndex int, root string) obj {
	res := obj{
		"ruleId":              string(r.Kind),
		"ruleIndex":           ruleIndex,
		"level":               levelOf(r.Kind),
		"partialFingerprints": obj{"primaryLocationLineHash": fingerprint.Of(r)},
		"properties": obj{
			"title":       r.Title,
			"occurrences": count,
		},
	}
	props := res["properties"].(obj)
	if r.Package != "" {
		props["package"] = r.Package
	}
	if r.Test != "" {
		props["test"] = r.Test
	}
	if r.ValueChanged {
		props["valueChanged"] = fmt.Sprintf("0x%x -> 0x%x", r.Old, r.New)
	}
	if len(r.Accesses) == 0 {
		// Nothing to place: a report from a log without stacks. SARIF
		// requires a location, so it points at no line of no file.
		res["message"] = text(r.Title)
		res["locations"] = []any{obj{"physicalLocation": physical(srcpos.Pos{Path: "unknown"})}}
		return res
	}
	var msg strings.Builder
	// The first access places the alert, unless only another one lies in
	// the repository: code scanning cannot show a file outside it.
	primary := 0
	if !srcpos.Primary(r.Accesses[0], root).InRoot {
		for i, a := range r.Accesses {
			if srcpos.Primary(a, root).InRoot {
				primary = i
				break
			}
		}
	}
	first := r.Accesses[primary]
	others := make([]report.Access, 0, len(r.Accesses)-1)
	others = append(others, r.Accesses[:primary]...)
	others = append(others, r.Accesses[primary+1:]...)
	fmt.Fprintf(&msg, "%s: %s by %s", titleOr(r), first.TypeString(), who(first))
	var related []any
	for i, a := range others {
		id := i + 1
		// GitHub renders a related location only when the message links
		// to it as [text](id).
		fmt.Fprintf(&msg, "; races with [%s by %s](%d)", a.TypeString(), who(a), id)
		p := srcpos.Primary(a, root)
		related = append(related, obj{
			"id":               id,
			"physicalLocation": physical(p),
			"message":          text(fmt.Sprintf("%s by %s in %s", a.TypeString(), who(a), p.Frame.Function)),
		})
	}
	if r.Kind == report.KindUnknownOrigin {
		msg.WriteString("; the value changed but no instrumented access hit the watchpoint (race at unknown origin)")
	}
	if r.ValueChanged {
		fmt.Fprintf(&msg, "; value changed: 0x%x -> 0x%x", r.Old, r.New)
	}
	if r.Detection != "" {
		fmt.Fprintf(&msg, "; seen by %s", r.Detection)
	}
	if count > 1 {
		fmt.Fprintf(&msg, " (seen %d times)", count)
	}
	msg.WriteString(".")
	p := srcpos.Primary(first, root)
	res["message"] = text(msg.String())
	res["locations"] = []any{obj{
		"id":               0,
		"physicalLocation": physical(p),
		"message":          text(fmt.Sprintf("%s by %s in %s", first.TypeString(), who(first), p.Frame.Function)),
	}}
	if len(related) > 0 {
		res["relatedLocations"] = related
	}
	var flows []any
	for _, a := range r.Accesses {
		flows = append(flows, threadFlow(a, root))
	}
	res["codeFlows"] = []any{obj{"message": text("the stacks of the racing goroutines"), "threadFlows": flows}}
	return res
}

func levelOf(k report.Kind) string {
	for _, rl := range rules {
		if rl.kind == k {
			return rl.level
		}
	}
	return "error"
}

func titleOr(r *report.Report) string {
	if r.Title != "" {
		return r.Title
	}
	return report.MakeTitle(r)
}

// threadFlow lists a goroutine's path in execution order: the go
// statement that created it, then its stack from the outermost frame to
// the racing access.
func threadFlow(a report.Access, root string) obj {
	var locs []any
	step := func(f report.Frame, label string, importance string) {
		locs = append(locs, obj{
			"location": obj{
				"physicalLocation": physical(srcpos.Place(f, root)),
				"message":          text(label),
			},
			"importance": importance,
		})
	}
	if a.CreatedBy != nil {
		step(*a.CreatedBy, fmt.Sprintf("%s created in %s by goroutine %d", who(a), a.CreatedBy.Function, a.CreatorGoroutine), "unimportant")
	}
	for i := len(a.Stack) - 1; i >= 0; i-- {
		f := a.Stack[i]
		if i == 0 {
			step(f, fmt.Sprintf("%s by %s in %s", a.TypeString(), who(a), f.Function), "essential")
		} else {
			step(f, f.Function, "important")
		}
	}
	if len(locs) == 0 {
		step(report.Frame{}, who(a)+": no stack", "essential")
	}
	return obj{"id": who(a), "message": text(fmt.Sprintf("%s by %s", a.TypeString(), who(a))), "locations": locs}
}

func who(a report.Access) string {
	switch {
	case a.Interrupt:
		return fmt.Sprintf("interrupt on cpu %d", a.CPU)
	case a.CPU >= 0:
		return fmt.Sprintf("task %d on cpu %d", a.Goroutine, a.CPU)
	default:
		return fmt.Sprintf("goroutine %d", a.Goroutine)
	}
}

// physical is a SARIF physicalLocation. Files in the repository get a
// relative URI against %SRCROOT%; others (the standard library, the
// module cache) a file: URI, which code scanning cannot place but a
// person can read. A missing line becomes line 1: startLine is required
// and must be positive.
func physical(p srcpos.Pos) obj {
	uri := p.Path
	art := obj{}
	switch {
	case uri == "":
		uri = "unknown"
	case p.InRoot:
		art["uriBaseId"] = "%SRCROOT%"
	default:
		uri = "file://" + ensureSlash(uri)
	}
	art["uri"] = escapeURI(uri)
	line := p.Frame.Line
	if line < 1 {
		line = 1
	}
	return obj{"artifactLocation": art, "region": obj{"startLine": line}}
}

func ensureSlash(p string) string {
	if strings.HasPrefix(p, "/") {
		return p
	}
	return "/" + p // a Windows drive path: file:///C:/...
}

// escapeURI percent-encodes what may not appear in a URI reference path;
// '/' and ':' stay.
func escapeURI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("-._~/:@!$&'()*+,;=", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
