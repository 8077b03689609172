package realworld

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// CompatTools are the configurations a compat module runs under; plain
// is the reference for the time ratios.
var CompatTools = []string{"plain", "race", "default", "ci"}

// CompatResult is one compat module measured under every tool at every
// GOMAXPROCS value.
type CompatResult struct {
	ID       string        `json:"id"`
	Module   string        `json:"module"`
	Version  string        `json:"version"`
	Packages []string      `json:"packages"`
	Failure  string        `json:"failure,omitempty"` // download or plain build failure
	Procs    []CompatProcs `json:"procs,omitempty"`
}

// CompatProcs is one GOMAXPROCS value's runs. The first value's results
// also count each tool's first run (BuildSec), which builds the module's
// packages in the fresh copy (with -cold, from an empty build cache).
type CompatProcs struct {
	GOMAXPROCS int           `json:"gomaxprocs"`
	Tools      []*ToolResult `json:"tools"`
}

// Tool returns the result of the named tool, or nil.
func (p CompatProcs) Tool(name string) *ToolResult { return findTool(p.Tools, name) }

// runCompatCase runs the module's packages' tests under every tool: a
// first run at the first GOMAXPROCS value, which builds, then one warm
// run per GOMAXPROCS value. Every report counts (the modules are meant to
// be race-free: each is a false report or a real race, listed).
func runCompatCase(h *harness, c CompatCase) (*CompatResult, error) {
	res := &CompatResult{ID: c.ID, Module: c.Module, Version: c.Version, Packages: c.Packages}
	work, failure, err := h.setup(c.ID, c.Module, c.Version, c.Testflags, c.Packages)
	if err != nil || failure != "" {
		res.Failure = failure
		return res, err
	}
	for _, p := range h.procs {
		cp := CompatProcs{GOMAXPROCS: p}
		for _, name := range CompatTools {
			cp.Tools = append(cp.Tools, newToolResult(name))
		}
		res.Procs = append(res.Procs, cp)
	}
	args := testArgs("", c.Testflags, c.Packages)
	procsEnv := func(p int) []string { return []string{"GOMAXPROCS=" + strconv.Itoa(p)} }
	for i, name := range CompatTools {
		first := res.Procs[0].Tools[i]
		env := procsEnv(h.procs[0])
		if h.cold {
			cache, err := os.MkdirTemp(h.tmp, c.ID+"-"+name+"-cache-")
			if err != nil {
				return res, err
			}
			defer os.RemoveAll(cache)
			env = append(env, "GOCACHE="+cache)
		}
		t := h.tools[name]
		r := goTest(t, work, env, h.buildTimeout(), args...)
		first.BuildSec = r.wall.Seconds()
		if f := buildFailure(r); f != "" {
			for _, cp := range res.Procs {
				cp.Tools[i].Failure = f
			}
			continue
		}
		first.add(r, t.parse(r.out), nil, false)
	}
	for _, cp := range res.Procs {
		for i, tr := range cp.Tools {
			if tr.Failure != "" {
				continue
			}
			t := h.tools[CompatTools[i]]
			r := goTest(t, work, procsEnv(cp.GOMAXPROCS), h.timeout, args...)
			tr.add(r, t.parse(r.out), nil, true)
		}
	}
	return res, nil
}

// progress is the one line printed per compat module as it completes.
func (r *CompatResult) progress() string {
	if r.Failure != "" {
		return r.Failure
	}
	var parts []string
	for _, cp := range r.Procs {
		plain := cp.Tool("plain")
		var cells []string
		for _, t := range cp.Tools {
			cells = append(cells, t.Tool+" "+compatCell(t, plain))
		}
		parts = append(parts, fmt.Sprintf("P=%d %s", cp.GOMAXPROCS, strings.Join(cells, ", ")))
	}
	return strings.Join(parts, "; ")
}

// compatCell is "ok 2.1s 1.9x", "FAIL 2.1s 1.9x 3 reports", or the
// failure.
func compatCell(t, plain *ToolResult) string {
	if t.Failure != "" {
		return firstLine(t.Failure)
	}
	s := "ok"
	if t.Passed < t.Runs {
		s = "FAIL"
	}
	if t.Timeouts > 0 {
		s = "HANG"
	}
	s += fmt.Sprintf(" %.1fs", t.MeanWall())
	if plain != nil && t != plain && plain.Failure == "" && plain.MeanWall() > 0 {
		s += fmt.Sprintf(" %.2fx", t.MeanWall()/plain.MeanWall())
	}
	if t.Reports > 0 {
		s += fmt.Sprintf(" %d reports", t.Reports)
	}
	return s
}
