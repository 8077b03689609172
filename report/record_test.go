package report

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gocsan/gocsan/runtime/record"
)

// The engine writes text and JSON itself (package runtime/record), without
// fmt or encoding/json. These tests hold it to the bytes the fmt-based
// formatter (kept below as the reference, as it was before the engine
// stopped importing this package) and encoding/json produce, over random
// reports with awkward strings and numbers.

var awkward = []string{"", "main.f", "a/b.(*T).M.func1", "<&>", "quote\"back\\slash", "tab\tnl\nret\r",
	"\b\f\x00\x1f\x7f", "é✓𝄞", "\u2028\u2029", "\xff\xfe bad", "\xed\xa0\x80 surrogate", "\xf4\x90\x80\x80",
	"\xc0\xaf overlong", "\ufffd", "\xe2\x82", "日本"}

func randomReport(rng *rand.Rand) *Report {
	str := func() string { return awkward[rng.IntN(len(awkward))] + awkward[rng.IntN(len(awkward))] }
	num := func() uint64 {
		switch rng.IntN(4) {
		case 0:
			return 0
		case 1:
			return uint64(rng.IntN(16))
		case 2:
			return rng.Uint64()
		}
		return uint64(rng.Int32())
	}
	frame := func() Frame {
		f := Frame{Function: str(), File: str(), Line: rng.IntN(3) * rng.IntN(100000)}
		if rng.IntN(4) == 0 {
			f.Offset, f.SymSize, f.PC, f.Module, f.Inlined, f.Instruction = num(), num(), num(), str(), rng.IntN(2) == 0, str()
		}
		if rng.IntN(10) == 0 {
			f.Line = -rng.IntN(100)
		}
		return f
	}
	kinds := []Kind{KindDataRace, KindAssert, KindLockOrder, KindUnknownOrigin}
	ops := []Op{OpRead, OpWrite, OpReadWrite, OpLock, OpRLock}
	r := &Report{Kind: kinds[rng.IntN(len(kinds))], Source: []string{"go", "kernel", ""}[rng.IntN(3)]}
	for range rng.IntN(4) {
		a := Access{Op: ops[rng.IntN(len(ops))], Marked: rng.IntN(2) == 0, Assert: rng.IntN(3) == 0,
			Reordered: rng.IntN(3) == 0, Addr: num(), Size: num(), Goroutine: int64(num()), CPU: rng.IntN(3) - 1,
			Interrupt: rng.IntN(5) == 0, CreatorGoroutine: int64(num()), LockClass: str(), HeldClass: str()}
		if rng.IntN(5) > 0 {
			a.Stack = []Frame{}
			for range rng.IntN(4) {
				a.Stack = append(a.Stack, frame())
			}
		}
		if rng.IntN(2) == 0 {
			f := frame()
			a.CreatedBy = &f
		}
		if rng.IntN(3) == 0 {
			f := frame()
			a.ReorderedTo = &f
		}
		r.Accesses = append(r.Accesses, a)
	}
	if r.Kind == KindLockOrder && len(r.Accesses) == 0 {
		r.Kind = KindDataRace // a lock-order report always has an access
	}
	r.Title = MakeTitle(r)
	if rng.IntN(3) == 0 {
		r.Title = str()
	}
	r.ValueChanged = rng.IntN(2) == 0
	r.Old, r.New, r.Mask = num(), num(), num()
	if rng.IntN(5) > 0 {
		r.Time = time.Unix(int64(rng.Uint32())*int64(rng.IntN(3)), int64(rng.IntN(1e9))/int64(1+rng.IntN(1000))).UTC()
	}
	r.Process, r.Test, r.Package, r.Raw = str(), str(), str(), str()
	if rng.IntN(2) == 0 {
		r.Detection = []string{DetectedWatchpoint, DetectedValueChange, DetectedHappensBefore, str()}[rng.IntN(4)]
	}
	return r
}

func TestRecordMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		r := randomReport(rng)
		if got, want := MakeTitle(r), referenceTitle(r); got != want {
			t.Fatalf("report %d: title %q, reference %q", i, got, want)
		}
		if got, want := PairKey(r), referencePairKey(r); got != want {
			t.Fatalf("report %d: pair key %q, reference %q", i, got, want)
		}
		if got, want := Text(r), referenceText(r); got != want {
			t.Fatalf("report %d: text\n%q\nreference\n%q", i, got, want)
		}
		want, err := MarshalLine(r)
		if err != nil {
			t.Fatal(err)
		}
		if got := record.AppendJSON(nil, r.Record()); !bytes.Equal(got, want) {
			t.Fatalf("report %d: JSON\n%s\nencoding/json\n%s", i, got, want)
		}
	}
}

func referenceTitle(r *Report) string {
	if r.Kind == KindLockOrder {
		return referenceLockOrderTitle(r)
	}
	prefix := "data-race"
	if r.Kind == KindAssert {
		prefix = "assert: race"
	}
	if len(r.Accesses) == 1 {
		return prefix + " in " + referenceFrameWithOffset(r.Accesses[0].Top())
	}
	if len(r.Accesses) == 0 {
		return prefix
	}
	a, b := r.Accesses[0].Top(), r.Accesses[1].Top()
	names := []string{referenceSortKey(a), referenceSortKey(b)}
	fa, fb := a.Function, b.Function
	if names[1] < names[0] {
		fa, fb = fb, fa
	}
	return fmt.Sprintf("%s in %s / %s", prefix, fa, fb)
}

func referenceSortKey(f Frame) string {
	if f.SymSize != 0 {
		return referenceFrameWithOffset(f)
	}
	return fmt.Sprintf("%s:%08d", f.Function, f.Line)
}

func referenceFrameWithOffset(f Frame) string {
	if f.SymSize != 0 || f.Offset != 0 {
		return fmt.Sprintf("%s+0x%x/0x%x", f.Function, f.Offset, f.SymSize)
	}
	if f.File != "" {
		return fmt.Sprintf("%s (%s:%d)", f.Function, f.File, f.Line)
	}
	return f.Function
}

func referencePairKey(r *Report) string {
	keys := make([]string, 0, 2)
	for _, a := range r.Accesses {
		t := a.Top()
		keys = append(keys, fmt.Sprintf("%s %s:%d %x", t.Function, t.File, t.Line, t.Offset))
	}
	if len(keys) == 1 {
		keys = append(keys, "")
	}
	sort.Strings(keys)
	return string(r.Kind) + "|" + strings.Join(keys, "|")
}

func referenceLockOrderTitle(r *Report) string {
	if len(r.Accesses) == 1 {
		a := r.Accesses[0]
		if a.Op == OpRLock {
			return "recursive read locking of " + a.LockClass
		}
		return "recursive locking of " + a.LockClass
	}
	var cycle []string
	for _, a := range r.Accesses {
		cycle = append(cycle, a.HeldClass)
	}
	start := 0
	for i := range cycle {
		if cycle[i] < cycle[start] {
			start = i
		}
	}
	rot := append(append([]string{}, cycle[start:]...), cycle[:start]...)
	return "possible circular locking dependency: " + strings.Join(append(rot, rot[0]), " -> ")
}
func referenceText(r *Report) string {
	var b strings.Builder
	b.WriteString(Separator + "\n")
	fmt.Fprintf(&b, "BUG: KCSAN: %s\n", r.Title)
	for i, a := range r.Accesses {
		b.WriteString("\n")
		if r.Kind == KindUnknownOrigin && i == 0 {
			b.WriteString("race at unknown origin, with ")
		}
		if a.Op == OpLock || a.Op == OpRLock {
			fmt.Fprintf(&b, "%s (0x%016x) by %s:\n", a.TypeString(), a.Addr, referenceWho(a))
		} else {
			fmt.Fprintf(&b, "%s to 0x%016x of %d bytes by %s:\n", a.TypeString(), a.Addr, a.Size, referenceWho(a))
		}
		referenceStack(&b, a)
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
	return b.String()
}

func referenceWho(a Access) string {
	switch {
	case a.Interrupt:
		return fmt.Sprintf("interrupt on cpu %d", a.CPU)
	case a.CPU >= 0:
		return fmt.Sprintf("task %d on cpu %d", a.Goroutine, a.CPU)
	default:
		return fmt.Sprintf("goroutine %d", a.Goroutine)
	}
}

func referenceStack(b *strings.Builder, a Access) {
	for _, f := range a.Stack {
		referenceFrame(b, f)
	}
	if a.ReorderedTo != nil {
		b.WriteString("  |\n  +-> reordered to: ")
		b.WriteString(referenceFrameWithOffset(*a.ReorderedTo))
		b.WriteString("\n")
	}
	if a.CreatedBy != nil {
		fmt.Fprintf(b, "\ngoroutine %d created by %s in goroutine %d at:\n", a.Goroutine, a.CreatedBy.Function, a.CreatorGoroutine)
		referenceFrame(b, *a.CreatedBy)
	}
}

func referenceFrame(b *strings.Builder, f Frame) {
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
