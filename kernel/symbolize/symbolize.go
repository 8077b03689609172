package symbolize

import (
	"debug/elf"
	"errors"
	"fmt"
	"strings"

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
	im := &Image{Path: path, f: f, syms: syms}
	if d, err := f.DWARF(); err != nil {
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
// ret, inside fn.
func (im *Image) AccessSite(fn Sym, ret uint64) (AccessSite, error) {
	if fn.Size == 0 || fn.Size > 1<<20 {
		return AccessSite{}, fmt.Errorf("symbol %s has no usable size", fn.Name)
	}
	code, err := im.Code(fn.Addr, fn.Size)
	if err != nil {
		return AccessSite{}, err
	}
	if im.f.Machine == elf.EM_AARCH64 {
		return accessSiteARM64(code, fn.Addr, ret, im.symname)
	}
	return accessSiteX86(code, fn.Addr, ret, im.symname)
}

// Symbolizer symbolizes report frames with an Image, a symbol table
// (kallsyms or System.map), or both: the image for vmlinux frames, the
// table for module frames and when there is no image.
type Symbolizer struct {
	Image *Image // may be nil
	Table *Table // may be nil
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
	f.PC = sym.Addr + f.Offset
	if img == nil {
		return []report.Frame{f}, nil
	}
	var errs []error
	if top && ret {
		if site, err := img.AccessSite(sym, f.PC); err == nil {
			f.Instruction = site.String()
		} else {
			errs = append(errs, fmt.Errorf("%s: disassembling the access site: %w", frameString(f), err))
		}
	}
	lpc := f.PC
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
	if s.Table == nil {
		return Sym{}, nil, fmt.Errorf("%s: no symbol source for module %s (give its kallsyms)", frameString(f), f.Module)
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
