// Package symbolize turns the frames of kernel KCSAN reports
// ("func+0xOFF/0xSIZE") into source positions and instructions.
//
// With a vmlinux that has DWARF (CONFIG_DEBUG_INFO), each frame becomes
// file:line including the frames inlined at that address (debug/dwarf's
// DW_TAG_inlined_subroutine tree), and the access site of each racing
// access is disassembled with golang.org/x/arch (x86asm for x86-64,
// arm64asm for arm64) to show the access instruction and its width.
// Module frames ("func+0x1d/0x30 [mod]") are resolved the same way in
// the module's .ko (Modules), a relocatable object laid out like a
// linker would. Without debug info, a symbol table from /proc/kallsyms
// or System.map still turns names into addresses and bare addresses
// into names.
//
// KCSAN's stack entries are return addresses (the racing function's
// entry is the return address of its call into __tsan_*), so lines are
// looked up at pc-1 except for frames interrupted at their first
// instruction or right after an interrupt entry.
package symbolize
