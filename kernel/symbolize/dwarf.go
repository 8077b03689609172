package symbolize

import (
	"debug/dwarf"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"
)

// dwarfIndex answers "which source lines and inlined calls are at pc"
// from DWARF, parsing each compile unit at most once. A vmlinux has
// thousands of compile units and tens of megabytes of DWARF; only the
// units that reports point into are ever read in full.
type dwarfIndex struct {
	d   *dwarf.Data
	cus []cuRange // sorted by lo

	mu    sync.Mutex
	cache map[dwarf.Offset]*cuInfo
	names map[dwarf.Offset]string
}

type cuRange struct {
	lo, hi uint64
	off    dwarf.Offset
}

type cuInfo struct {
	cu      *dwarf.Entry
	seqs    []lineSeq // sorted by start address
	files   []*dwarf.LineFile
	compDir string
	scopes  []scope
}

// lineSeq is one sequence of a line table: rows of increasing address
// ending at end. A unit has one per code section (.text, .init.text,
// .text.unlikely...), in no particular order; dwarf.LineReader.SeekPC
// assumes they are sorted, so the rows are read once and searched here.
type lineSeq struct {
	rows []lineRow
	end  uint64
}

type lineRow struct {
	addr uint64
	file string
	line int
}

// scope is a subprogram or an inlined subroutine with its code ranges.
type scope struct {
	ranges   [][2]uint64
	depth    int
	name     string
	callFile string // for an inlined subroutine: where it was called
	callLine int
}

// Loc is one source location of a pc: the innermost is the line being
// executed, the others are the calls of the functions inlined there.
type Loc struct {
	Function string
	File     string
	Line     int
	Inlined  bool // inlined into the next Loc
}

func newDwarfIndex(d *dwarf.Data) (*dwarfIndex, error) {
	x := &dwarfIndex{d: d, cache: make(map[dwarf.Offset]*cuInfo), names: make(map[dwarf.Offset]string)}
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			return nil, fmt.Errorf("reading DWARF compile units: %w", err)
		}
		if e == nil {
			break
		}
		if e.Tag == dwarf.TagCompileUnit || e.Tag == dwarf.TagPartialUnit {
			rs, err := d.Ranges(e)
			if err == nil {
				for _, rg := range rs {
					if rg[1] > rg[0] {
						x.cus = append(x.cus, cuRange{rg[0], rg[1], e.Offset})
					}
				}
			}
		}
		r.SkipChildren()
	}
	if len(x.cus) == 0 {
		return nil, errors.New("DWARF has no compile units with code ranges (built without CONFIG_DEBUG_INFO?)")
	}
	sort.Slice(x.cus, func(i, j int) bool { return x.cus[i].lo < x.cus[j].lo })
	return x, nil
}

// Locs returns the source locations at pc, innermost first.
func (x *dwarfIndex) Locs(pc uint64) ([]Loc, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	i := sort.Search(len(x.cus), func(i int) bool { return x.cus[i].lo > pc }) - 1
	var cuOff dwarf.Offset
	found := false
	// Ranges of different units do not overlap, but a unit may have
	// several; look back a little for the one containing pc.
	for k := 0; i >= 0 && k < 64; i, k = i-1, k+1 {
		if pc >= x.cus[i].lo && pc < x.cus[i].hi {
			cuOff, found = x.cus[i].off, true
			break
		}
	}
	if !found {
		return nil, fmt.Errorf("no DWARF compile unit covers 0x%x", pc)
	}
	cu, err := x.load(cuOff)
	if err != nil {
		return nil, err
	}
	var chain []scope
	for _, s := range cu.scopes {
		for _, rg := range s.ranges {
			if pc >= rg[0] && pc < rg[1] {
				chain = append(chain, s)
				break
			}
		}
	}
	sort.SliceStable(chain, func(i, j int) bool { return chain[i].depth > chain[j].depth })

	row, ok := cu.lineAt(pc)
	if !ok {
		return nil, fmt.Errorf("no line table entry for 0x%x", pc)
	}
	file, line := row.file, row.line
	var locs []Loc
	for i, s := range chain {
		locs = append(locs, Loc{Function: s.name, File: file, Line: line, Inlined: i < len(chain)-1})
		file, line = s.callFile, s.callLine
	}
	if len(locs) == 0 {
		locs = append(locs, Loc{File: file, Line: line})
	}
	return locs, nil
}

func (cu *cuInfo) lineAt(pc uint64) (lineRow, bool) {
	i := sort.Search(len(cu.seqs), func(i int) bool { return cu.seqs[i].rows[0].addr > pc }) - 1
	if i < 0 || pc >= cu.seqs[i].end {
		return lineRow{}, false
	}
	rows := cu.seqs[i].rows
	j := sort.Search(len(rows), func(j int) bool { return rows[j].addr > pc }) - 1
	return rows[j], true
}

func (cu *cuInfo) readLines(lr *dwarf.LineReader) error {
	var cur []lineRow
	for {
		var le dwarf.LineEntry
		err := lr.Next(&le)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if le.EndSequence {
			if len(cur) > 0 {
				cu.seqs = append(cu.seqs, lineSeq{rows: cur, end: le.Address})
			}
			cur = nil
			continue
		}
		name := ""
		if le.File != nil {
			name = cu.rel(le.File.Name)
		}
		cur = append(cur, lineRow{addr: le.Address, file: name, line: le.Line})
	}
	sort.Slice(cu.seqs, func(i, j int) bool { return cu.seqs[i].rows[0].addr < cu.seqs[j].rows[0].addr })
	return nil
}

func (cu *cuInfo) rel(name string) string {
	if cu.compDir != "" {
		if r, ok := strings.CutPrefix(name, cu.compDir+"/"); ok {
			return r
		}
	}
	return path.Clean(name)
}

func (x *dwarfIndex) load(off dwarf.Offset) (*cuInfo, error) {
	if cu, ok := x.cache[off]; ok {
		return cu, nil
	}
	r := x.d.Reader()
	r.Seek(off)
	e, err := r.Next()
	if err != nil || e == nil {
		return nil, fmt.Errorf("reading the compile unit at 0x%x: %v", off, err)
	}
	lr, err := x.d.LineReader(e)
	if err != nil || lr == nil {
		return nil, fmt.Errorf("compile unit at 0x%x has no line table: %v", off, err)
	}
	cu := &cuInfo{cu: e, files: lr.Files()}
	cu.compDir, _ = e.Val(dwarf.AttrCompDir).(string)
	if err := cu.readLines(lr); err != nil {
		return nil, fmt.Errorf("reading the line table of the compile unit at 0x%x: %w", off, err)
	}
	depth := 1
	for depth > 0 {
		c, err := r.Next()
		if err != nil {
			return nil, fmt.Errorf("reading the compile unit at 0x%x: %w", off, err)
		}
		if c == nil {
			break
		}
		if c.Tag == 0 {
			depth--
			continue
		}
		if c.Tag == dwarf.TagSubprogram || c.Tag == dwarf.TagInlinedSubroutine {
			if rs, err := x.d.Ranges(c); err == nil && len(rs) > 0 {
				s := scope{ranges: rs, depth: depth, name: x.name(c)}
				if c.Tag == dwarf.TagInlinedSubroutine {
					if fi, ok := c.Val(dwarf.AttrCallFile).(int64); ok && fi >= 0 && int(fi) < len(cu.files) && cu.files[fi] != nil {
						s.callFile = cu.rel(cu.files[fi].Name)
					}
					if ln, ok := c.Val(dwarf.AttrCallLine).(int64); ok {
						s.callLine = int(ln)
					}
				}
				cu.scopes = append(cu.scopes, s)
			}
		}
		if c.Children {
			depth++
		}
	}
	x.cache[off] = cu
	return cu, nil
}

// name is the function name of a subprogram or inlined subroutine,
// following DW_AT_abstract_origin and DW_AT_specification.
func (x *dwarfIndex) name(e *dwarf.Entry) string {
	for hops := 0; hops < 4; hops++ {
		if n, ok := e.Val(dwarf.AttrName).(string); ok {
			return n
		}
		ref, ok := e.Val(dwarf.AttrAbstractOrigin).(dwarf.Offset)
		if !ok {
			ref, ok = e.Val(dwarf.AttrSpecification).(dwarf.Offset)
		}
		if !ok {
			return ""
		}
		if n, ok := x.names[ref]; ok {
			return n
		}
		r := x.d.Reader()
		r.Seek(ref)
		next, err := r.Next()
		if err != nil || next == nil {
			return ""
		}
		if n, ok := next.Val(dwarf.AttrName).(string); ok {
			x.names[ref] = n
			return n
		}
		e = next
	}
	return ""
}
