package symbolize

import (
	"debug/dwarf"
	"debug/elf"
	"fmt"
	"strings"
)

// A relocatable object (a module's .ko) has no addresses: its symbols
// and, once relocated, its DWARF give offsets into sections, and every
// code section (.text, .init.text, .text.unlikely...) starts at 0, so the
// offsets overlap. debug/elf's DWARF relocates against section symbols
// of value 0 and keeps that overlap. Here the object is laid out the way
// a linker would, each allocated section at its own base, and the
// symbols and DWARF are relocated against those bases; every lookup then
// works as in a vmlinux.

// layout returns a base address for each allocated section.
func layout(f *elf.File) map[elf.SectionIndex]uint64 {
	bases := make(map[elf.SectionIndex]uint64)
	next := uint64(0x1000)
	for i, s := range f.Sections {
		if s.Flags&elf.SHF_ALLOC == 0 || s.Size == 0 {
			continue
		}
		align := max(s.Addralign, 1)
		next = (next + align - 1) / align * align
		bases[elf.SectionIndex(i)] = next
		next += s.Size
	}
	return bases
}

// relocatedDWARF is debug/elf's File.DWARF for a relocatable object laid
// out at bases.
func relocatedDWARF(f *elf.File, bases map[elf.SectionIndex]uint64) (*dwarf.Data, error) {
	syms, err := f.Symbols()
	if err != nil {
		return nil, err
	}
	data := func(i int, s *elf.Section) ([]byte, error) {
		b, err := s.Data()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", s.Name, err)
		}
		for _, r := range f.Sections {
			if r.Type != elf.SHT_RELA || int(r.Info) != i {
				continue
			}
			rd, err := r.Data()
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", r.Name, err)
			}
			if err := applyRela(f, b, rd, syms, bases); err != nil {
				return nil, fmt.Errorf("%s: %w", r.Name, err)
			}
		}
		return b, nil
	}
	dat := map[string][]byte{"abbrev": nil, "info": nil, "str": nil, "line": nil, "ranges": nil}
	var extra []int
	for i, s := range f.Sections {
		suffix, ok := strings.CutPrefix(s.Name, ".debug_")
		if !ok {
			continue
		}
		if _, ok := dat[suffix]; !ok {
			extra = append(extra, i)
			continue
		}
		if dat[suffix], err = data(i, s); err != nil {
			return nil, err
		}
	}
	d, err := dwarf.New(dat["abbrev"], nil, nil, dat["info"], dat["line"], nil, dat["ranges"], dat["str"])
	if err != nil {
		return nil, err
	}
	for _, i := range extra {
		s := f.Sections[i]
		switch s.Name {
		case ".debug_addr", ".debug_line_str", ".debug_str_offsets", ".debug_rnglists":
		default:
			continue // not needed for lines and inlining
		}
		b, err := data(i, s)
		if err != nil {
			return nil, err
		}
		if err := d.AddSection(s.Name, b); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// applyRela applies the absolute relocations DWARF uses (x86-64 and
// arm64) with symbols placed at their section's base.
func applyRela(f *elf.File, b, rela []byte, syms []elf.Symbol, bases map[elf.SectionIndex]uint64) error {
	if f.Class != elf.ELFCLASS64 {
		return fmt.Errorf("only 64-bit objects are supported")
	}
	bo := f.ByteOrder
	for i := 0; i+24 <= len(rela); i += 24 {
		off := bo.Uint64(rela[i:])
		info := bo.Uint64(rela[i+8:])
		addend := int64(bo.Uint64(rela[i+16:]))
		idx, typ := int(info>>32), uint32(info)
		if idx < 1 || idx > len(syms) {
			continue
		}
		sym := syms[idx-1]
		val := uint64(int64(sym.Value+bases[sym.Section]) + addend)
		var size int
		switch {
		case f.Machine == elf.EM_X86_64 && elf.R_X86_64(typ) == elf.R_X86_64_64,
			f.Machine == elf.EM_AARCH64 && elf.R_AARCH64(typ) == elf.R_AARCH64_ABS64:
			size = 8
		case f.Machine == elf.EM_X86_64 && (elf.R_X86_64(typ) == elf.R_X86_64_32 || elf.R_X86_64(typ) == elf.R_X86_64_32S),
			f.Machine == elf.EM_AARCH64 && elf.R_AARCH64(typ) == elf.R_AARCH64_ABS32:
			size = 4
		default:
			continue
		}
		if off+uint64(size) > uint64(len(b)) {
			return fmt.Errorf("relocation at 0x%x outside the section", off)
		}
		if size == 8 {
			bo.PutUint64(b[off:], val)
		} else {
			bo.PutUint32(b[off:], uint32(val))
		}
	}
	return nil
}
