package report

import (
	"fmt"
	"io"
	"strings"
)

// Separator is the line that opens and closes every text report (66 '=',
// as KCSAN prints).
var Separator = strings.Repeat("=", 66)

// WriteText writes r in KCSAN's layout, adapted to Go: goroutines instead
// of tasks and CPUs, and each frame as a function followed by its
// file:line. The other access comes first, the watcher second.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	b.WriteString(Separator + "\n")
	fmt.Fprintf(&b, "BUG: KCSAN: %s\n", r.Title)
	for i, a := range r.Accesses {
		b.WriteString("\n")
		if r.Kind == KindUnknownOrigin && i == 0 {
			b.WriteString("race at unknown origin, with ")
		}
		if a.Op == OpLock || a.Op == OpRLock {
			fmt.Fprintf(&b, "%s (0x%016x) by %s:\n", a.TypeString(), a.Addr, who(a))
		} else {
			fmt.Fprintf(&b, "%s to 0x%016x of %d bytes by %s:\n", a.TypeString(), a.Addr, a.Size, who(a))
		}
		writeStack(&b, a)
	}
	if r.Detection != "" {
		fmt.Fprintf(&b, "\nseen by: %s\n", r.Detection)
	}
	if r.ValueChanged {
		width := 16
		if len(r.Accesses) > 0 {
			if s := r.Accesses[len(r.Accesses)-1].Size; s > 0 && s < 8 {
				width = int(s) * 2
			}
		}
		fmt.Fprintf(&b, "\nvalue changed: 0x%0*x -> 0x%0*x\n", width, r.Old, width, r.New)
		if r.Mask != 0 {
			fmt.Fprintf(&b, " bits changed: 0x%0*x with mask 0x%0*x\n", width, (r.Old^r.New)&r.Mask, width, r.Mask)
		}
	}
	if r.Process != "" {
		by := "gocsan"
		if r.Source == "kernel" {
			by = "Kernel Concurrency Sanitizer"
		}
		fmt.Fprintf(&b, "\nReported by %s on:\n%s\n", by, r.Process)
	}
	b.WriteString(Separator + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// Text returns WriteText's output as a string.
func Text(r *Report) string {
	var b strings.Builder
	_ = WriteText(&b, r)
	return b.String()
}

func who(a Access) string {
	switch {
	case a.Interrupt:
		return fmt.Sprintf("interrupt on cpu %d", a.CPU)
	case a.CPU >= 0:
		return fmt.Sprintf("task %d on cpu %d", a.Goroutine, a.CPU)
	default:
		return fmt.Sprintf("goroutine %d", a.Goroutine)
	}
}

func writeStack(b *strings.Builder, a Access) {
	for _, f := range a.Stack {
		writeFrame(b, f)
	}
	if a.ReorderedTo != nil {
		b.WriteString("  |\n  +-> reordered to: ")
		b.WriteString(frameWithOffset(*a.ReorderedTo))
		b.WriteString("\n")
	}
	if a.CreatedBy != nil {
		fmt.Fprintf(b, "\ngoroutine %d created by %s in goroutine %d at:\n", a.Goroutine, a.CreatedBy.Function, a.CreatorGoroutine)
		writeFrame(b, *a.CreatedBy)
	}
}

func writeFrame(b *strings.Builder, f Frame) {
	if f.SymSize != 0 {
		// Kernel frame: keep %pS so the text can be fed back to kernel
		// tooling (faddr2line, syzkaller).
		fmt.Fprintf(b, " %s+0x%x/0x%x", f.Function, f.Offset, f.SymSize)
		if f.Module != "" {
			fmt.Fprintf(b, " [%s]", f.Module)
		}
		if f.File != "" {
			fmt.Fprintf(b, " (%s:%d)", f.File, f.Line)
		}
		if f.Inlined {
			b.WriteString(" [inlined]")
		}
		b.WriteString("\n")
		if f.Instruction != "" {
			fmt.Fprintf(b, "     %s\n", f.Instruction)
		}
		return
	}
	fmt.Fprintf(b, " %s()\n", f.Function)
	if f.File != "" {
		fmt.Fprintf(b, "     %s:%d\n", f.File, f.Line)
	}
}
