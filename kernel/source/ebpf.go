package source

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
	"github.com/cilium/ebpf/rlimit"
)

// EBPFMode selects how the program is attached to printk:console.
type EBPFMode string

const (
	// RawTracepoint attaches with BPF_RAW_TRACEPOINT_OPEN: needs only
	// CAP_BPF and CAP_PERFMON, and no tracefs. The default.
	RawTracepoint EBPFMode = "raw"
	// Tracepoint attaches through perf_event_open on the tracepoint id
	// read from tracefs: needs tracefs mounted and its events/printk/
	// console/id readable (root or CAP_DAC_READ_SEARCH).
	Tracepoint EBPFMode = "tp"
)

// Record layout in the ring buffer, written by the BPF program:
//
//	u32 len   message bytes that follow
//	u32 cpu   bpf_get_smp_processor_id()
//	u64 ns    bpf_ktime_get_ns()
//	u8  msg[maxMsg]
//
// The reservation has a constant size (the verifier requires it);
// printk never passes more than 1024 bytes per record.
const (
	recHeader = 16
	maxMsg    = 1024
	recSize   = recHeader + maxMsg
	// DefaultRingSize holds about 4000 console messages: a KCSAN report
	// is ~25, and the kernel prints the same race at most every 3 s.
	DefaultRingSize = 4 << 20
)

// EBPF reads console messages copied by a BPF program on the
// printk:console tracepoint.
type EBPF struct {
	mode    EBPFMode
	rb      *ebpf.Map
	drops   *ebpf.Map
	prog    *ebpf.Program
	lnk     link.Link
	rd      *ringbuf.Reader
	pending []Line // lines of the last record not yet returned
	bad     atomic.Uint64

	// mu orders Close with Lost, which reads the drop counter map;
	// Read needs no lock (ringbuf.Reader.Close wakes it safely).
	mu     sync.Mutex
	closed bool
	drops0 uint64 // the drop counter as read at Close
}

// EBPFOptions configures OpenEBPF.
type EBPFOptions struct {
	Mode     EBPFMode // RawTracepoint if empty
	RingSize int      // bytes, a power of two multiple of the page size; DefaultRingSize if 0
}

// OpenEBPF loads and attaches the console program. Errors name what is
// missing: the BPF syscall, privileges, the tracepoint or tracefs.
func OpenEBPF(opt EBPFOptions) (*EBPF, error) {
	if opt.Mode == "" {
		opt.Mode = RawTracepoint
	}
	if opt.Mode != RawTracepoint && opt.Mode != Tracepoint {
		return nil, fmt.Errorf("ebpf: unknown attach mode %q (want %q or %q)", opt.Mode, RawTracepoint, Tracepoint)
	}
	if opt.RingSize == 0 {
		opt.RingSize = DefaultRingSize
	}
	e := &EBPF{mode: opt.Mode}
	ok := false
	defer func() {
		if !ok {
			e.Close()
		}
	}()
	// Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK; on newer
	// ones this is a no-op. A failure shows up as the map's error.
	_ = rlimit.RemoveMemlock()
	var err error
	e.rb, err = ebpf.NewMap(&ebpf.MapSpec{Name: "gocsan_console", Type: ebpf.RingBuf, MaxEntries: uint32(opt.RingSize)})
	if err != nil {
		return nil, explain("creating the BPF ring buffer", err)
	}
	e.drops, err = ebpf.NewMap(&ebpf.MapSpec{Name: "gocsan_drops", Type: ebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: 1})
	if err != nil {
		return nil, explain("creating the BPF drop counter", err)
	}
	typ := ebpf.RawTracepoint
	if opt.Mode == Tracepoint {
		typ = ebpf.TracePoint
		if !tracefsMounted() {
			return nil, errors.New("ebpf: tracepoint mode needs tracefs, which is mounted neither at /sys/kernel/tracing nor under debugfs at /sys/kernel/debug/tracing (mount -t tracefs nodev /sys/kernel/tracing, or use the raw tracepoint mode, which needs no tracefs)")
		}
	}
	e.prog, err = ebpf.NewProgram(&ebpf.ProgramSpec{
		Name:         "gocsan_console",
		Type:         typ,
		License:      "GPL", // bpf_probe_read_kernel is GPL-only
		Instructions: consoleProgram(opt.Mode, e.rb.FD(), e.drops.FD()),
	})
	if err != nil {
		return nil, explain("loading the BPF program", err)
	}
	if opt.Mode == RawTracepoint {
		e.lnk, err = link.AttachRawTracepoint(link.RawTracepointOptions{Name: "console", Program: e.prog})
	} else {
		e.lnk, err = link.Tracepoint("printk", "console", e.prog, nil)
	}
	if err != nil {
		return nil, explainAttach(opt.Mode, err)
	}
	e.rd, err = ringbuf.NewReader(e.rb)
	if err != nil {
		return nil, fmt.Errorf("ebpf: opening the ring buffer reader: %w", err)
	}
	ok = true
	return e, nil
}

// consoleProgram assembles the BPF program. For the raw tracepoint the
// context is the tracepoint's arguments, u64 args[] = {const char *text,
// size_t len}; for the perf tracepoint it is the trace record, whose
// msg field is a __data_loc at offset 8 (low 16 bits: offset of the
// NUL-terminated string in the record, high 16: its length with NUL).
func consoleProgram(mode EBPFMode, ringFD, dropsFD int) asm.Instructions {
	var load asm.Instructions
	if mode == RawTracepoint {
		load = asm.Instructions{
			asm.LoadMem(asm.R7, asm.R6, 0, asm.DWord), // r7 = text
			asm.LoadMem(asm.R8, asm.R6, 8, asm.DWord), // r8 = len
		}
	} else {
		load = asm.Instructions{
			asm.LoadMem(asm.R7, asm.R6, 8, asm.Word), // r7 = __data_loc
			asm.Mov.Reg(asm.R8, asm.R7),
			asm.RSh.Imm(asm.R8, 16),           // r8 = length incl. NUL
			asm.And.Imm(asm.R7, 0xffff),       // r7 = offset
			asm.Add.Reg(asm.R7, asm.R6),       // r7 = ctx + offset
			asm.JEq.Imm(asm.R8, 0, "clamped"), // empty: nothing to drop
			asm.Sub.Imm(asm.R8, 1),            // drop the NUL
		}
	}
	insns := asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1), // r6 = ctx
	}
	insns = append(insns, load...)
	insns = append(insns,
		// Bound the length for the verifier: 0 <= r8 <= maxMsg.
		asm.JLE.Imm(asm.R8, maxMsg, "clamped"),
		asm.Mov.Imm(asm.R8, maxMsg),
		asm.LoadMapPtr(asm.R1, ringFD).WithSymbol("clamped"),
		asm.Mov.Imm(asm.R2, recSize),
		asm.Mov.Imm(asm.R3, 0),
		asm.FnRingbufReserve.Call(),
		asm.JEq.Imm(asm.R0, 0, "drop"),
		asm.Mov.Reg(asm.R9, asm.R0), // r9 = record
		asm.StoreMem(asm.R9, 0, asm.R8, asm.Word),
		asm.FnGetSmpProcessorId.Call(),
		asm.StoreMem(asm.R9, 4, asm.R0, asm.Word),
		asm.FnKtimeGetNs.Call(),
		asm.StoreMem(asm.R9, 8, asm.R0, asm.DWord),
		asm.Mov.Reg(asm.R1, asm.R9),
		asm.Add.Imm(asm.R1, recHeader),
		asm.Mov.Reg(asm.R2, asm.R8),
		asm.Mov.Reg(asm.R3, asm.R7),
		asm.FnProbeReadKernel.Call(),
		// On a fault the message is unreadable: send an empty one
		// rather than stale bytes.
		asm.JEq.Imm(asm.R0, 0, "submit"),
		asm.StoreImm(asm.R9, 0, 0, asm.Word),
		asm.Mov.Reg(asm.R1, asm.R9).WithSymbol("submit"),
		asm.Mov.Imm(asm.R2, 0),
		asm.FnRingbufSubmit.Call(),
		asm.Ja.Label("out"),
		// Ring buffer full: count the loss in drops[0].
		asm.StoreImm(asm.RFP, -4, 0, asm.Word).WithSymbol("drop"),
		asm.LoadMapPtr(asm.R1, dropsFD),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -4),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "out"),
		asm.Mov.Imm(asm.R1, 1),
		asm.StoreXAdd(asm.R0, asm.R1, asm.DWord),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("out"),
		asm.Return(),
	)
	return insns
}

func explain(what string, err error) error {
	switch {
	case errors.Is(err, ebpf.ErrNotSupported), errors.Is(err, syscall.ENOSYS):
		return fmt.Errorf("ebpf: %s: %w (the kernel lacks CONFIG_BPF_SYSCALL or the feature; use --source=kmsg)", what, err)
	case errors.Is(err, os.ErrPermission), errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EACCES):
		return fmt.Errorf("ebpf: %s: %w (needs CAP_BPF and CAP_PERFMON, or root; or use --source=kmsg, which needs CAP_SYSLOG)", what, err)
	}
	return fmt.Errorf("ebpf: %s: %w", what, err)
}

func explainAttach(mode EBPFMode, err error) error {
	if mode == Tracepoint {
		switch {
		case errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("ebpf: attaching to printk:console: %w (tracefs is not mounted at /sys/kernel/tracing or /sys/kernel/debug/tracing, or the kernel has no CONFIG_TRACEPOINTS; mount -t tracefs nodev /sys/kernel/tracing, or use the raw tracepoint mode, which needs no tracefs)", err)
		case errors.Is(err, os.ErrPermission):
			return fmt.Errorf("ebpf: attaching to printk:console: %w (tracefs events/printk/console/id is readable by root only; use the raw tracepoint mode, which needs only CAP_BPF and CAP_PERFMON)", err)
		}
	} else if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("ebpf: attaching to raw tracepoint console: %w (the kernel has no printk:console tracepoint: CONFIG_TRACEPOINTS or CONFIG_PRINTK is off)", err)
	}
	return explain("attaching to printk:console", err)
}

// Read returns the next console line; it is not safe for concurrent
// use (Close and Lost are). One printk call can carry several
// lines; each becomes a Line keyed by the CPU it was printed on (KCSAN
// prints a whole report with its report lock held and interrupts off,
// so one report's lines share a CPU).
func (e *EBPF) Read() (Line, error) {
	for len(e.pending) == 0 {
		rec, err := e.rd.Read()
		if err != nil {
			if errors.Is(err, ringbuf.ErrClosed) {
				return Line{}, ErrClosed
			}
			return Line{}, fmt.Errorf("ebpf: reading the ring buffer: %w", err)
		}
		msg, cpu, ok := decodeRecord(rec.RawSample)
		if !ok {
			e.bad.Add(1)
			continue
		}
		key := fmt.Sprintf("cpu%d", cpu)
		for _, l := range strings.Split(strings.TrimSuffix(msg, "\n"), "\n") {
			e.pending = append(e.pending, Line{Key: key, Text: l})
		}
	}
	l := e.pending[0]
	e.pending = e.pending[1:]
	return l, nil
}

func decodeRecord(b []byte) (msg string, cpu uint32, ok bool) {
	if len(b) < recHeader {
		return "", 0, false
	}
	n := binary.NativeEndian.Uint32(b[0:4])
	cpu = binary.NativeEndian.Uint32(b[4:8])
	if n > maxMsg || int(n) > len(b)-recHeader {
		return "", 0, false
	}
	return string(b[recHeader : recHeader+n]), cpu, true
}

// Close detaches the program and unblocks Read. It may be called more
// than once, from any goroutine.
func (e *EBPF) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	if e.drops != nil {
		_ = e.drops.Lookup(uint32(0), &e.drops0)
	}
	var errs []error
	if e.rd != nil {
		errs = append(errs, e.rd.Close())
	}
	if e.lnk != nil {
		errs = append(errs, e.lnk.Close())
	}
	if e.prog != nil {
		errs = append(errs, e.prog.Close())
	}
	for _, m := range []*ebpf.Map{e.rb, e.drops} {
		if m != nil {
			errs = append(errs, m.Close())
		}
	}
	return errors.Join(errs...)
}

// Lost is the number of messages the program could not queue because
// the ring buffer was full, plus malformed records.
func (e *EBPF) Lost() uint64 {
	e.mu.Lock()
	v := e.drops0
	if e.drops != nil && !e.closed {
		_ = e.drops.Lookup(uint32(0), &v)
	}
	e.mu.Unlock()
	return v + e.bad.Load()
}

// Name is "ebpf".
func (e *EBPF) Name() string { return "ebpf (printk:console, " + string(e.mode) + ")" }

func tracefsMounted() bool {
	for _, d := range []string{"/sys/kernel/tracing/events", "/sys/kernel/debug/tracing/events"} {
		if _, err := os.Stat(d); err == nil {
			return true
		}
	}
	return false
}
