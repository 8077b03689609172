package record

// Separator is the line that opens and closes every text report (66 '=',
// as KCSAN prints).
const Separator = "=================================================================="

// AppendText appends r in KCSAN's layout, adapted to Go: goroutines
// instead of tasks and CPUs, and each frame as a function followed by its
// file:line. The other access comes first, the watcher second.
func AppendText(b []byte, r *Report) []byte {
	b = append(b, Separator+"\n"...)
	b = append(b, "BUG: KCSAN: "...)
	b = append(b, r.Title...)
	b = append(b, '\n')
	for i, a := range r.Accesses {
		b = append(b, '\n')
		if r.Kind == KindUnknownOrigin && i == 0 {
			b = append(b, "race at unknown origin, with "...)
		}
		b = append(b, a.TypeString()...)
		if a.Op == OpLock || a.Op == OpRLock {
			b = append(b, " (0x"...)
			b = appendPadded(b, a.Addr, 16, 16)
			b = append(b, ")"...)
		} else {
			b = append(b, " to 0x"...)
			b = appendPadded(b, a.Addr, 16, 16)
			b = append(b, " of "...)
			b = appendPadded(b, a.Size, 10, 0)
			b = append(b, " bytes"...)
		}
		b = append(b, " by "...)
		b = appendWho(b, a)
		b = append(b, ":\n"...)
		b = appendStack(b, a)
	}
	if r.Detection != "" {
		b = append(b, "\nseen by: "...)
		b = append(b, r.Detection...)
		b = append(b, '\n')
	}
	if r.ValueChanged {
		width := 16
		if len(r.Accesses) > 0 {
			if s := r.Accesses[len(r.Accesses)-1].Size; s > 0 && s < 8 {
				width = int(s) * 2
			}
		}
		b = append(b, "\nvalue changed: 0x"...)
		b = appendPadded(b, r.Old, 16, width)
		b = append(b, " -> 0x"...)
		b = appendPadded(b, r.New, 16, width)
		b = append(b, '\n')
		if r.Mask != 0 {
			b = append(b, " bits changed: 0x"...)
			b = appendPadded(b, (r.Old^r.New)&r.Mask, 16, width)
			b = append(b, " with mask 0x"...)
			b = appendPadded(b, r.Mask, 16, width)
			b = append(b, '\n')
		}
	}
	if r.Process != "" {
		by := "gocsan"
		if r.Source == "kernel" {
			by = "Kernel Concurrency Sanitizer"
		}
		b = append(b, "\nReported by "...)
		b = append(b, by...)
		b = append(b, " on:\n"...)
		b = append(b, r.Process...)
		b = append(b, '\n')
	}
	return append(b, Separator+"\n"...)
}

func appendWho(b []byte, a Access) []byte {
	switch {
	case a.Interrupt:
		b = append(b, "interrupt on cpu "...)
		return appendInt(b, int64(a.CPU))
	case a.CPU >= 0:
		b = append(b, "task "...)
		b = appendInt(b, a.Goroutine)
		b = append(b, " on cpu "...)
		return appendInt(b, int64(a.CPU))
	default:
		b = append(b, "goroutine "...)
		return appendInt(b, a.Goroutine)
	}
}

func appendStack(b []byte, a Access) []byte {
	for _, f := range a.Stack {
		b = appendFrame(b, f)
	}
	if a.ReorderedTo != nil {
		b = append(b, "  |\n  +-> reordered to: "...)
		b = append(b, frameWithOffset(*a.ReorderedTo)...)
		b = append(b, '\n')
	}
	if a.CreatedBy != nil {
		b = append(b, "\ngoroutine "...)
		b = appendInt(b, a.Goroutine)
		b = append(b, " created by "...)
		b = append(b, a.CreatedBy.Function...)
		b = append(b, " in goroutine "...)
		b = appendInt(b, a.CreatorGoroutine)
		b = append(b, " at:\n"...)
		b = appendFrame(b, *a.CreatedBy)
	}
	return b
}

func appendFrame(b []byte, f Frame) []byte {
	if f.SymSize != 0 {
		// Kernel frame: keep %pS so the text can be fed back to kernel
		// tooling (faddr2line, syzkaller).
		b = append(b, ' ')
		b = append(b, f.Function...)
		b = append(b, "+0x"...)
		b = appendPadded(b, f.Offset, 16, 0)
		b = append(b, "/0x"...)
		b = appendPadded(b, f.SymSize, 16, 0)
		if f.Module != "" {
			b = append(b, " ["...)
			b = append(b, f.Module...)
			b = append(b, ']')
		}
		if f.File != "" {
			b = append(b, " ("...)
			b = append(b, f.File...)
			b = append(b, ':')
			b = appendInt(b, int64(f.Line))
			b = append(b, ')')
		}
		if f.Inlined {
			b = append(b, " [inlined]"...)
		}
		b = append(b, '\n')
		if f.Instruction != "" {
			b = append(b, "     "...)
			b = append(b, f.Instruction...)
			b = append(b, '\n')
		}
		return b
	}
	b = append(b, ' ')
	b = append(b, f.Function...)
	b = append(b, "()\n"...)
	if f.File != "" {
		b = append(b, "     "...)
		b = append(b, f.File...)
		b = append(b, ':')
		b = appendInt(b, int64(f.Line))
		b = append(b, '\n')
	}
	return b
}
