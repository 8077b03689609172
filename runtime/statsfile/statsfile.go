// Package statsfile is the layout of the counter files that instrumented
// processes keep with the stats_dir option, and their reader. It is
// separate from the runtime so that readers (the gocsan command's metrics
// endpoint) do not link the runtime, whose initialization acts on GOCSAN.
// The runtime writes the files itself (runtime/statsfile.go), as this
// package imports what the runtime may not; metrics tests read its files.
//
// Layout (little endian), one file DIR/<pid>.stats per process, mapped
// shared by the process so the counters are current at every moment and
// kept after it exits or is killed:
//
//	0   8 bytes  magic "GOCSANS1"
//	8   8 bytes  number of counters n
//	16  8 bytes  pid
//	24  40 bytes reserved
//	64  8*n      counters (int64, updated atomically in place)
//	64+8*n       counter names, one per line
package statsfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

const (
	// Magic opens every stats file.
	Magic = "GOCSANS1"
	// HeaderSize is the offset of the counters.
	HeaderSize = 64
)

// Process is one process's counters.
type Process struct {
	Pid      int
	Counters map[string]int64
}

// ReadDir reads every DIR/*.stats file. Unreadable or foreign files are
// errors naming them; the others are still returned.
func ReadDir(dir string) ([]Process, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.stats"))
	if err != nil {
		return nil, err
	}
	var out []Process
	var errs []error
	for _, p := range paths {
		ps, err := ReadFile(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, ps)
	}
	return out, errors.Join(errs...)
}

// ReadFile reads one stats file.
func ReadFile(path string) (Process, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Process{}, err
	}
	if len(b) < HeaderSize || string(b[:8]) != Magic {
		return Process{}, fmt.Errorf("%s: not a gocsan stats file", path)
	}
	n := int(binary.LittleEndian.Uint64(b[8:]))
	pid := int(binary.LittleEndian.Uint64(b[16:]))
	if n <= 0 || n > 1024 || len(b) < HeaderSize+8*n {
		return Process{}, fmt.Errorf("%s: truncated stats file", path)
	}
	names := bytes.Split(bytes.TrimSuffix(bytes.TrimRight(b[HeaderSize+8*n:], "\x00"), []byte("\n")), []byte("\n"))
	if len(names) != n {
		return Process{}, fmt.Errorf("%s: %d counter names for %d counters", path, len(names), n)
	}
	ps := Process{Pid: pid, Counters: make(map[string]int64, n)}
	for i, name := range names {
		ps.Counters[string(name)] = int64(binary.LittleEndian.Uint64(b[HeaderSize+8*i:]))
	}
	return ps, nil
}

// Sum adds up the counters of the processes. The gauge used_watchpoints
// counts only processes still running: one killed while a watchpoint was
// armed leaves it non-zero in its file.
func Sum(procs []Process) map[string]int64 {
	sum := make(map[string]int64)
	for _, p := range procs {
		alive := ProcessAlive(p.Pid)
		for name, v := range p.Counters {
			if name == "used_watchpoints" && !alive {
				continue
			}
			sum[name] += v
		}
	}
	return sum
}

// ProcessAlive reports whether pid runs (signal 0 probes without
// sending). Where that is not supported the process counts as gone,
// which only drops its armed-watchpoint gauge.
func ProcessAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}
