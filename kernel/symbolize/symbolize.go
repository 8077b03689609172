package symbolize

import (
	"debug/dwarf"
	"debug/elf"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/gocsan/gocsan/report"
)

// Image is a kernel image (vmlinux): its symbols, its code and, when
// present, its DWARF.
type Image struct {
	Path string
	f    *elf.File
	syms *Table
	dw   *dwarfIndex // nil without DWARF
	// DWARFErr says why dw is nil.
	DWARFErr error
	// rel is set for a relocatable object (a module's .ko): symbol
	// values and DWARF addresses are offsets into their sections.
	rel      bool
	bases    map[elf.SectionIndex]uint64 // section layout of a relocatable object
	relMu    sync.Mutex
	relCache map[elf.SectionIndex]map[uint64]string
}

// OpenImage opens a vmlinux. A missing symbol table is an error; missing
// DWARF is not (frames then get addresses and instructions, not lines),
// and DWARFErr says why.
func OpenImage(path string) (*Image, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if f.Machine != elf.EM_X86_64 && f.Machine != elf.EM_AARCH64 {
		f.Close()
		return nil, fmt.Errorf("%s: machine %v: only x86-64 and arm64 kernels can be disassembled", path, f.Machine)
	}
	syms, err := ELFSymbols(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	im := &Image{Path: path, f: f, syms: syms, rel: f.Type == elf.ET_REL}
	dwarfOf := f.DWARF
	if im.rel {
		im.bases = layout(f)
		for i := range syms.syms {
			syms.syms[i].Addr += im.bases[syms.syms[i].sect]
		}
		im.syms = newTable(syms.syms, false)
		dwarfOf = func() (*dwarf.Data, error) { return relocatedDWARF(f, im.bases) }
	}
	if d, err := dwarfOf(); err != nil {
		im.DWARFErr = fmt.Errorf("%s has no usable DWARF (build with CONFIG_DEBUG_INFO): %w", path, err)
	} else if im.dw, err = newDwarfIndex(d); err != nil {
		im.DWARFErr = fmt.Errorf("%s: %w", path, err)
	}
	return im, nil
}

// Close closes the file.
func (im *Image) Close() error { return im.f.Close() }

// Symbols is the image's symbol table.
func (im *Image) Symbols() *Table { return im.syms }

// Locs returns the source locations at pc, innermost (inlined) first.
func (im *Image) Locs(pc uint64) ([]Loc, error) {
	if im.dw == nil {
		return nil, im.DWARFErr
	}
	return im.dw.Locs(pc)
}

// Code returns n bytes of the image's contents at addr.
func (im *Image) Code(addr, n uint64) ([]byte, error) {
	for _, s := range im.f.Sections {
		if s.Type != elf.SHT_PROGBITS || s.Flags&elf.SHF_ALLOC == 0 || addr < s.Addr || addr+n > s.Addr+s.Size {
			continue
		}
		b := make([]byte, n)
		if _, err := s.ReadAt(b, int64(addr-s.Addr)); err != nil {
			return nil, fmt.Errorf("reading 0x%x bytes at 0x%x from %s: %w", n, addr, s.Name, err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("0x%x..0x%x is in no section of %s", addr, addr+n, im.Path)
}

func (im *Image) symname(addr uint64) (string, uint64) {
	s, ok := im.syms.At(addr)
	if !ok {
		return "", 0
	}
	return s.Name, s.Addr
}

// AccessSite disassembles the access site whose KCSAN check returns to
// ret, inside fn. In a relocatable object (a module) ret is an offset
// into fn's section and callees are named by relocations.
func (im *Image) AccessSite(fn Sym, ret uint64) (AccessSite, error) {
	if fn.Size == 0 || fn.Size > 1<<20 {
		return AccessSite{}, fmt.Errorf("symbol %s has no usable size", fn.Name)
	}
	var code []byte
	var err error
	symname := im.symname
	callName := func(_, target uint64) string { n, _ := im.symname(target); return n }
	if im.rel {
		code, err = im.sectionCode(fn)
		// Section offsets of different sections overlap: no names
		// for operands, relocations for callees.
		symname = func(uint64) (string, uint64) { return "", 0 }
		rels, rerr := im.relocs(fn.sect)
		if rerr != nil {
			return AccessSite{}, rerr
		}
		callName = func(callPC, _ uint64) string {
			if im.f.Machine == elf.EM_AARCH64 {
				return rels[callPC]
			}
			return rels[callPC+1] // the rel32 after the e8 opcode
		}
	} else {
		code, err = im.Code(fn.Addr, fn.Size)
	}
	if err != nil {
		return AccessSite{}, err
	}
	if im.f.Machine == elf.EM_AARCH64 {
		return accessSiteARM64(code, fn.Addr, ret, callName)
	}
	return accessSiteX86(code, fn.Addr, ret, symname, callName)
}

// sectionCode reads fn's bytes from its section (relocatable objects).
func (im *Image) sectionCode(fn Sym) ([]byte, error) {
	if int(fn.sect) >= len(im.f.Sections) {
		return nil, fmt.Errorf("%s: symbol %s in no section", im.Path, fn.Name)
	}
	sec := im.f.Sections[fn.sect]
	off := fn.Addr - im.bases[fn.sect]
	if off+fn.Size > sec.Size {
		return nil, fmt.Errorf("%s: symbol %s extends past section %s", im.Path, fn.Name, sec.Name)
	}
	b := make([]byte, fn.Size)
	if _, err := sec.ReadAt(b, int64(off)); err != nil {
		return nil, fmt.Errorf("%s: reading %s from %s: %w", im.Path, fn.Name, sec.Name, err)
	}
	return b, nil
}

// relocs returns, for a section of a relocatable object, the name of the
// symbol each relocation at an offset refers to (from SHT_RELA sections
// applying to it).
func (im *Image) relocs(sect elf.SectionIndex) (map[uint64]string, error) {
	im.relMu.Lock()
	defer im.relMu.Unlock()
	if m, ok := im.relCache[sect]; ok {
		return m, nil
	}
	syms, err := im.f.Symbols()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", im.Path, err)
	}
	m := make(map[uint64]string)
	for _, s := range im.f.Sections {
		if s.Type != elf.SHT_RELA || elf.SectionIndex(s.Info) != sect || im.f.Class != elf.ELFCLASS64 {
			continue
		}
		data, err := s.Data()
		if err != nil {
			return nil, fmt.Errorf("%s: reading %s: %w", im.Path, s.Name, err)
		}
		for i := 0; i+24 <= len(data); i += 24 {
			off := im.f.ByteOrder.Uint64(data[i:])
			info := im.f.ByteOrder.Uint64(data[i+8:])
			idx := int(info >> 32)
			if idx < 1 || idx > len(syms) {
				continue
			}
			name := syms[idx-1].Name
			if name == "" && int(syms[idx-1].Section) < len(im.f.Sections) {
				name = im.f.Sections[syms[idx-1].Section].Name
			}
			m[off+im.bases[sect]] = name
		}
	}
	if im.relCache == nil {
		im.relCache = make(map[elf.SectionIndex]map[uint64]string)
	}
	im.relCache[sect] = m
	return m, nil
}

// Symbolizer symbolizes report frames with an Image, a symbol table
// (kallsyms or System.map), module objects, or all three: the image for
// vmlinux frames, the modules' .ko files for module frames, the table
// for run-time addresses (of modules too) and when nothing else knows a
// frame.
type Symbolizer struct {
	Image   *Image   // may be nil
	Table   *Table   // may be nil
	Modules *Modules // .ko files for module frames; may be nil
}

// Report symbolizes every frame of r in place: PC, File and Line, frames
// inlined at each address (inserted before it, marked Inlined), and the
// disassembled access site on each access's top frame. It returns what
// it could not resolve; the frames concerned are left as they were.
func (s *Symbolizer) Report(r *report.Report) []error {
	var errs []error
	for ai := range r.Accesses {
		a := &r.Accesses[ai]
		var out []report.Frame
		for i, f := range a.Stack {
			// Stack entries are return addresses, except the first
			// instruction of a function (a call target reached by an
			// interrupt) and the interrupted pc after an entry stub.
			ret := f.Offset != 0 && !(i > 0 && strings.HasPrefix(a.Stack[i-1].Function, "asm_"))
			fs, err := s.frame(f, ret, i == 0)
			if err != nil {
				errs = append(errs, err)
			}
			out = append(out, fs...)
		}
		a.Stack = out
		if a.ReorderedTo != nil {
			fs, err := s.frame(*a.ReorderedTo, true, false)
			if err != nil {
				errs = append(errs, err)
			}
			last := fs[len(fs)-1]
			a.ReorderedTo = &last
		}
	}
	return errs
}

// frame resolves one frame; it returns the inlined frames at its
// address followed by the frame itself.
func (s *Symbolizer) frame(f report.Frame, ret, top bool) ([]report.Frame, error) {
	sym, img, err := s.resolve(f)
	if err != nil {
		return []report.Frame{f}, err
	}
	if strings.HasPrefix(f.Function, "0x") {
		// A bare address: name it.
		f.Function, f.Offset, f.SymSize = sym.Name, f.PC-sym.Addr, sym.Size
	}
	// local is the address in img's terms: for a module's relocatable
	// .ko an offset into the function's section, so the run-time PC
	// comes from the symbol table if one is given.
	local := sym.Addr + f.Offset
	f.PC = local
	if img != nil && img.rel {
		f.PC = 0
		if s.Table != nil {
			if ts, err := s.Table.Lookup(f.Function, f.Module, 0); err == nil {
				f.PC = ts.Addr + f.Offset
			}
		}
	}
	if img == nil {
		return []report.Frame{f}, nil
	}
	var errs []error
	if top && ret {
		if site, err := img.AccessSite(sym, local); err == nil {
			f.Instruction = site.String()
		} else {
			errs = append(errs, fmt.Errorf("%s: disassembling the access site: %w", frameString(f), err))
		}
	}
	lpc := local
	if ret {
		lpc--
	}
	locs, err := img.Locs(lpc)
	if err != nil {
		return []report.Frame{f}, errors.Join(append(errs, fmt.Errorf("%s: %w", frameString(f), err))...)
	}
	var out []report.Frame
	for _, l := range locs[:len(locs)-1] {
		out = append(out, report.Frame{Function: l.Function, File: l.File, Line: l.Line, PC: f.PC, Inlined: true})
	}
	last := locs[len(locs)-1]
	f.File, f.Line = last.File, last.Line
	return append(out, f), errors.Join(errs...)
}

// resolve finds the symbol of f, and the image holding its code (nil
// when only a symbol table knows it).
func (s *Symbolizer) resolve(f report.Frame) (Sym, *Image, error) {
	bare := strings.HasPrefix(f.Function, "0x")
	if s.Image != nil && f.Module == "" {
		var sym Sym
		var err error
		if bare {
			var ok bool
			if sym, ok = s.Image.syms.At(f.PC); !ok {
				err = fmt.Errorf("%s: no symbol in %s", f.Function, s.Image.Path)
			}
		} else {
			sym, err = s.Image.syms.Lookup(f.Function, "", f.SymSize)
		}
		if err == nil {
			return sym, s.Image, nil
		}
		if s.Table == nil {
			return Sym{}, nil, fmt.Errorf("%s: %w", frameString(f), err)
		}
	}
	var modErr error
	if f.Module != "" && s.Modules != nil && !bare {
		img, err := s.Modules.Image(f.Module)
		if err == nil {
			var sym Sym
			if sym, err = img.syms.Lookup(f.Function, "", f.SymSize); err == nil {
				return sym, img, nil
			}
		}
		modErr = err
	}
	if s.Table == nil {
		if modErr != nil {
			return Sym{}, nil, fmt.Errorf("%s: %w", frameString(f), modErr)
		}
		return Sym{}, nil, fmt.Errorf("%s: no symbol source for module %s (give --modules or its kallsyms)", frameString(f), f.Module)
	}
	if bare {
		sym, ok := s.Table.At(f.PC)
		if !ok {
			return Sym{}, nil, fmt.Errorf("%s: no symbol at this address", f.Function)
		}
		return sym, nil, nil
	}
	// kallsyms sizes are distances to the next symbol, not %pS sizes.
	sym, err := s.Table.Lookup(f.Function, f.Module, 0)
	if err != nil {
		return Sym{}, nil, fmt.Errorf("%s: %w", frameString(f), err)
	}
	return sym, nil, nil
}

func frameString(f report.Frame) string {
	s := fmt.Sprintf("%s+0x%x/0x%x", f.Function, f.Offset, f.SymSize)
	if f.Module != "" {
		s += " [" + f.Module + "]"
	}
	return s
}
