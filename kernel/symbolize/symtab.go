package symbolize

import (
	"bufio"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Sym is one text symbol.
type Sym struct {
	Name   string
	Addr   uint64
	Size   uint64 // 0 if unknown (kallsyms, System.map): then up to the next symbol
	Module string // "" for vmlinux
	// span is the distance to the next higher symbol: the size %pS
	// prints (kallsyms_lookup_size_offset), which includes alignment
	// padding that the ELF size leaves out.
	span uint64
	// sect is the ELF section index (ELF tables only); in a relocatable
	// object (a module's .ko) Addr is an offset into that section.
	sect elf.SectionIndex
}

// Table is a symbol table sorted by address.
type Table struct {
	syms   []Sym
	byName map[string][]int
}

// newTable sorts syms. With fill (symbol files, which carry no sizes)
// each symbol extends to the next one; ELF symbols have their sizes.
func newTable(syms []Sym, fill bool) *Table {
	sort.SliceStable(syms, func(i, j int) bool { return syms[i].Addr < syms[j].Addr })
	for i, j := 0, 0; i < len(syms); i++ {
		for j <= i || (j < len(syms) && syms[j].Addr == syms[i].Addr) {
			j++
		}
		if j < len(syms) && syms[j].Module == syms[i].Module {
			syms[i].span = syms[j].Addr - syms[i].Addr
		}
	}
	for i := range syms {
		if fill && syms[i].Size == 0 && i+1 < len(syms) && syms[i+1].Module == syms[i].Module {
			syms[i].Size = syms[i+1].Addr - syms[i].Addr
		}
	}
	t := &Table{syms: syms, byName: make(map[string][]int)}
	for i, s := range syms {
		t.byName[s.Name] = append(t.byName[s.Name], i)
	}
	return t
}

// Len is the number of symbols.
func (t *Table) Len() int { return len(t.syms) }

// Lookup finds the symbol named name in module ("" for vmlinux). Static
// functions may share a name; size, when non-zero, picks the one %pS
// meant. It fails when the name is unknown or still ambiguous.
func (t *Table) Lookup(name, module string, size uint64) (Sym, error) {
	var all, found []Sym
	for _, i := range t.byName[name] {
		s := t.syms[i]
		if normalize(s.Module) != normalize(module) {
			continue
		}
		all = append(all, s)
		if size == 0 || s.Size == size || s.span == size {
			found = append(found, s)
		}
	}
	if len(found) == 0 && len(all) == 1 {
		// The size only tells same-named static functions apart.
		found = all
	}
	switch len(found) {
	case 0:
		where := "vmlinux"
		if module != "" {
			where = "module " + module
		}
		if size != 0 {
			return Sym{}, fmt.Errorf("no symbol %s of size 0x%x in %s", name, size, where)
		}
		return Sym{}, fmt.Errorf("no symbol %s in %s", name, where)
	case 1:
		return found[0], nil
	}
	// Aliases at one address are the same code.
	for _, s := range found[1:] {
		if s.Addr != found[0].Addr {
			return Sym{}, fmt.Errorf("symbol %s of size 0x%x is ambiguous (%d static functions share the name)", name, size, len(found))
		}
	}
	return found[0], nil
}

// At finds the symbol containing addr.
func (t *Table) At(addr uint64) (Sym, bool) {
	i := sort.Search(len(t.syms), func(i int) bool { return t.syms[i].Addr > addr }) - 1
	// A few symbols back: a zero-size label (_edata, local asm labels)
	// may share the address of, or sit inside, a sized symbol, which
	// wins.
	label, haveLabel := Sym{}, false
	for k := 0; i >= 0 && k < 16; i, k = i-1, k+1 {
		s := t.syms[i]
		if s.Size == 0 {
			if s.Addr == addr && !haveLabel {
				label, haveLabel = s, true
			}
			continue
		}
		if addr < s.Addr+s.Size {
			return s, true
		}
	}
	return label, haveLabel
}

// ELFSymbols reads the function and text symbols of an ELF file.
func ELFSymbols(f *elf.File) (*Table, error) {
	es, err := f.Symbols()
	if err != nil {
		return nil, fmt.Errorf("reading the symbol table: %w", err)
	}
	var syms []Sym
	for _, s := range es {
		typ := elf.ST_TYPE(s.Info)
		if typ != elf.STT_FUNC && typ != elf.STT_NOTYPE && typ != elf.STT_OBJECT {
			continue
		}
		if s.Name == "" || s.Section == elf.SHN_UNDEF || s.Section == elf.SHN_ABS || int(s.Section) >= len(f.Sections) {
			continue
		}
		// $x/$d mapping symbols (arm64) are not functions.
		if strings.HasPrefix(s.Name, "$") {
			continue
		}
		syms = append(syms, Sym{Name: s.Name, Addr: s.Value, Size: s.Size, sect: s.Section})
	}
	if len(syms) == 0 {
		return nil, fmt.Errorf("no symbols (stripped?)")
	}
	return newTable(syms, false), nil
}

// ReadSymbolFile reads /proc/kallsyms or a System.map: lines of
// "address type name [module]". name is used in errors, which give the
// line. Only text symbols (types t, T, w, W) are kept. A kallsyms whose
// addresses are all zero (kernel.kptr_restrict hides them from
// unprivileged readers) is an error.
func ReadSymbolFile(r io.Reader, name string) (*Table, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var syms []Sym
	line, nonzero := 0, false
	for sc.Scan() {
		line++
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		if len(fs) < 3 || len(fs) > 4 || len(fs[1]) != 1 {
			return nil, fmt.Errorf("%s:%d: want \"address type name [module]\", got %q", name, line, sc.Text())
		}
		addr, err := strconv.ParseUint(fs[0], 16, 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: bad address %q", name, line, fs[0])
		}
		switch fs[1] {
		case "t", "T", "w", "W":
		default:
			continue
		}
		s := Sym{Name: fs[2], Addr: addr}
		if len(fs) == 4 {
			s.Module = strings.Trim(fs[3], "[]")
		}
		nonzero = nonzero || addr != 0
		syms = append(syms, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(syms) == 0 {
		return nil, fmt.Errorf("%s: no text symbols", name)
	}
	if !nonzero {
		return nil, fmt.Errorf("%s: all addresses are zero (kernel.kptr_restrict hides them; read it as root)", name)
	}
	return newTable(syms, true), nil
}

// OpenSymbolFile reads a kallsyms or System.map file.
func OpenSymbolFile(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadSymbolFile(f, path)
}
