package symbolize

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/arch/arm64/arm64asm"
	"golang.org/x/arch/x86/x86asm"
)

// AccessSite is the disassembled access site of one racing access. With
// KCSAN, the compiler puts a call to a __tsan_* check before each
// instrumented access; the report's top frame is that call's return
// address. The access instruction is the first memory access of the
// checked width after it (none for atomics, which __tsan_atomic* perform
// itself, and for explicit kcsan_check_* and ASSERT_EXCLUSIVE_* checks).
type AccessSite struct {
	CallPC uint64 // address of the call instruction
	Check  string // called function, e.g. "__tsan_write8"
	Width  int    // bytes checked, 0 if the check does not say
	Atomic bool   // a __tsan_atomic* call, which performs the access
	PC     uint64 // address of the access instruction, 0 if none found
	Text   string // the access instruction in GNU (objdump) syntax
	Len    int    // its length in bytes
}

// String is the form shown in reports (report.Frame.Instruction).
func (a AccessSite) String() string {
	w := ""
	if a.Width > 0 {
		w = fmt.Sprintf("%d-byte ", a.Width)
	}
	switch {
	case a.PC == 0 && a.Atomic:
		return fmt.Sprintf("%x: call %s (%satomic access performed by the call)", a.CallPC, a.Check, w)
	case a.PC == 0 && a.Width == 0:
		return fmt.Sprintf("%x: call %s (explicit KCSAN check or assertion, no access instruction)", a.CallPC, a.Check)
	case a.PC == 0:
		return fmt.Sprintf("%x: call %s (no %saccess instruction found after it)", a.CallPC, a.Check, w)
	}
	return fmt.Sprintf("%x: %s (%saccess checked by %s)", a.PC, a.Text, w, a.Check)
}

// checkWidth returns the access width encoded in a KCSAN check's name:
// __tsan_read8, __tsan_unaligned_write4, __tsan_volatile_read2,
// __tsan_read_write16, __tsan_atomic32_load... ; 0 when it has none
// (ranges, kcsan_check_access).
func checkWidth(name string) (width int, atomic bool) {
	s, ok := strings.CutPrefix(name, "__tsan_")
	if !ok {
		return 0, false
	}
	if rest, ok := strings.CutPrefix(s, "atomic"); ok {
		digits := rest
		if i := strings.IndexByte(rest, '_'); i >= 0 {
			digits = rest[:i]
		}
		if n, err := strconv.Atoi(digits); err == nil {
			return n / 8, true
		}
		return 0, true
	}
	s = strings.TrimPrefix(s, "unaligned_")
	s = strings.TrimPrefix(s, "volatile_")
	for _, p := range []string{"read_write", "read", "write"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			if n, err := strconv.Atoi(rest); err == nil {
				return n, false
			}
		}
	}
	return 0, false
}

func isCheck(name string) bool {
	return strings.HasPrefix(name, "__tsan_") || strings.HasPrefix(name, "kcsan_") || strings.HasPrefix(name, "__kcsan_")
}

// maxScan bounds the search for the access instruction after the call:
// the compiler keeps the check next to the access.
const maxScan = 12

// callee names the function a call at callPC goes to; target is the
// decoded destination (meaningless in a relocatable object, where the
// relocation at the call's operand names the callee).
type callee func(callPC, target uint64) string

// accessSiteX86 disassembles fn (code starting at base) and finds the
// access site whose check call returns to ret.
func accessSiteX86(code []byte, base, ret uint64, symname func(uint64) (string, uint64), callName callee) (AccessSite, error) {
	type insn struct {
		pc  uint64
		ins x86asm.Inst
	}
	var insns []insn
	callIdx := -1
	for off := 0; off < len(code); {
		ins, err := x86asm.Decode(code[off:], 64)
		if err != nil {
			// Padding or data: one byte at a time, as objdump does.
			off++
			continue
		}
		pc := base + uint64(off)
		if pc+uint64(ins.Len) == ret {
			callIdx = len(insns)
		}
		insns = append(insns, insn{pc, ins})
		off += ins.Len
		if callIdx >= 0 && len(insns) > callIdx+maxScan {
			break
		}
	}
	if callIdx < 0 {
		return AccessSite{}, fmt.Errorf("0x%x is not an instruction boundary of the function", ret)
	}
	call := insns[callIdx]
	if call.ins.Op != x86asm.CALL {
		return AccessSite{}, fmt.Errorf("the instruction before 0x%x is %s, not a call to a KCSAN check", ret, gnuX86(call.ins, call.pc, symname))
	}
	rel, ok := call.ins.Args[0].(x86asm.Rel)
	if !ok {
		return AccessSite{}, fmt.Errorf("indirect call before 0x%x", ret)
	}
	name := callName(call.pc, uint64(int64(ret)+int64(rel)))
	if !isCheck(name) {
		return AccessSite{}, fmt.Errorf("the call before 0x%x goes to %q, not a KCSAN check", ret, name)
	}
	site := AccessSite{CallPC: call.pc, Check: name}
	site.Width, site.Atomic = checkWidth(name)
	if site.Atomic || site.Width == 0 {
		return site, nil
	}
	for _, in := range insns[callIdx+1 : min(len(insns), callIdx+1+maxScan)] {
		if !accessesMemoryX86(in.ins) || in.ins.MemBytes != site.Width {
			continue
		}
		site.PC, site.Len = in.pc, in.ins.Len
		site.Text = gnuX86(in.ins, in.pc, symname)
		return site, nil
	}
	return site, nil
}

// accessesMemoryX86 reports whether ins reads or writes memory that is
// not the stack (lea only computes an address; calls and pushes touch
// the stack).
func accessesMemoryX86(ins x86asm.Inst) bool {
	switch ins.Op {
	case x86asm.LEA, x86asm.NOP, x86asm.CALL, x86asm.PUSH, x86asm.POP, x86asm.RET:
		return false
	}
	for _, a := range ins.Args {
		if m, ok := a.(x86asm.Mem); ok {
			return m.Base != x86asm.RSP && m.Base != x86asm.ESP
		}
	}
	return false
}

// accessSiteARM64 is accessSiteX86 for arm64, where every instruction
// is 4 bytes and the check is a bl.
func accessSiteARM64(code []byte, base, ret uint64, callName callee) (AccessSite, error) {
	if ret < base+4 || ret > base+uint64(len(code)) || (ret-base)%4 != 0 {
		return AccessSite{}, fmt.Errorf("0x%x is not an instruction boundary of the function", ret)
	}
	off := int(ret - base - 4)
	call, err := arm64asm.Decode(code[off : off+4])
	if err != nil || call.Op != arm64asm.BL {
		return AccessSite{}, fmt.Errorf("the instruction before 0x%x is not a bl to a KCSAN check", ret)
	}
	rel, ok := call.Args[0].(arm64asm.PCRel)
	if !ok {
		return AccessSite{}, fmt.Errorf("unexpected bl operand before 0x%x", ret)
	}
	name := callName(ret-4, uint64(int64(ret-4)+int64(rel)))
	if !isCheck(name) {
		return AccessSite{}, fmt.Errorf("the call before 0x%x goes to %q, not a KCSAN check", ret, name)
	}
	site := AccessSite{CallPC: ret - 4, Check: name}
	site.Width, site.Atomic = checkWidth(name)
	if site.Atomic || site.Width == 0 {
		return site, nil
	}
	for i := 0; i < maxScan; i++ {
		o := off + 4 + 4*i
		if o+4 > len(code) {
			break
		}
		in, err := arm64asm.Decode(code[o : o+4])
		if err != nil || widthARM64(in) != site.Width {
			continue
		}
		site.PC, site.Len = base+uint64(o), 4
		site.Text = arm64asm.GNUSyntax(in)
		return site, nil
	}
	return site, nil
}

// widthARM64 is the memory access width of a load or store, 0 for other
// instructions. The width follows from the mnemonic's B/H suffix or the
// transfer register (Xn: 8 bytes, Wn: 4).
func widthARM64(in arm64asm.Inst) int {
	op := in.Op.String()
	if !(strings.HasPrefix(op, "LD") || strings.HasPrefix(op, "ST")) || strings.HasPrefix(op, "LDP") || strings.HasPrefix(op, "STP") {
		return 0
	}
	switch {
	case strings.HasSuffix(op, "B") || strings.HasSuffix(op, "SB"):
		return 1
	case strings.HasSuffix(op, "H") || strings.HasSuffix(op, "SH"):
		return 2
	case op == "LDRSW":
		return 4
	}
	if len(in.Args) == 0 || in.Args[0] == nil {
		return 0
	}
	r := in.Args[0].String()
	switch {
	case strings.HasPrefix(r, "X"):
		return 8
	case strings.HasPrefix(r, "W"):
		return 4
	}
	return 0
}

// gnuX86 prints ins as objdump -d does: AT&T syntax with raw
// displacements, and the target of a %rip-relative operand as a
// "# address <symbol>" comment.
func gnuX86(ins x86asm.Inst, pc uint64, symname func(uint64) (string, uint64)) string {
	text := x86asm.GNUSyntax(ins, pc, nil)
	for _, a := range ins.Args {
		if m, ok := a.(x86asm.Mem); ok && m.Base == x86asm.RIP {
			target := uint64(int64(pc) + int64(ins.Len) + m.Disp)
			if name, base := symname(target); name != "" {
				if target == base {
					return fmt.Sprintf("%s # %x <%s>", text, target, name)
				}
				return fmt.Sprintf("%s # %x <%s+0x%x>", text, target, name, target-base)
			}
			return fmt.Sprintf("%s # %x", text, target)
		}
	}
	return text
}
