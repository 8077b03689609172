package metrics

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// The stats files are read here rather than with runtime.ReadStatsDir:
// importing gocsan's runtime would link its init into the gocsan command,
// which would then act on GOCSAN itself (open stats_dir and json_path
// files in every gocsan toolexec process of a run). The layout is the
// one documented in runtime/statsfile.go; a test reads the same files
// with both readers.
//
//	0   8 bytes  magic "GOCSANS1"
//	8   8 bytes  number of counters n
//	16  8 bytes  pid
//	24  40 bytes reserved
//	64  8*n      counters (int64, little endian)
//	64+8*n       counter names, one per line

const (
	statsMagic      = "GOCSANS1"
	statsHeaderSize = 64
)

// processStats is one process's counters.
type processStats struct {
	pid      int
	counters map[string]int64
}

// readStatsDir reads every DIR/*.stats file. Unreadable or foreign files
// are errors naming them; the others are still returned.
func readStatsDir(dir string) ([]processStats, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.stats"))
	if err != nil {
		return nil, err
	}
	var out []processStats
	var errs []error
	for _, p := range paths {
		ps, err := readStatsFile(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, ps)
	}
	return out, errors.Join(errs...)
}

func readStatsFile(path string) (processStats, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return processStats{}, err
	}
	if len(b) < statsHeaderSize || string(b[:8]) != statsMagic {
		return processStats{}, fmt.Errorf("%s: not a gocsan stats file", path)
	}
	n := int(binary.LittleEndian.Uint64(b[8:]))
	pid := int(binary.LittleEndian.Uint64(b[16:]))
	if n <= 0 || n > 1024 || len(b) < statsHeaderSize+8*n {
		return processStats{}, fmt.Errorf("%s: truncated stats file", path)
	}
	names := bytes.Split(bytes.TrimSuffix(bytes.TrimRight(b[statsHeaderSize+8*n:], "\x00"), []byte("\n")), []byte("\n"))
	if len(names) != n {
		return processStats{}, fmt.Errorf("%s: %d counter names for %d counters", path, len(names), n)
	}
	ps := processStats{pid: pid, counters: make(map[string]int64, n)}
	for i, name := range names {
		ps.counters[string(name)] = int64(binary.LittleEndian.Uint64(b[statsHeaderSize+8*i:]))
	}
	return ps, nil
}

// sumStats adds up the counters of the processes. The gauge
// used_watchpoints counts only processes still running: one killed while
// a watchpoint was armed leaves it non-zero in its file.
func sumStats(procs []processStats) map[string]int64 {
	sum := make(map[string]int64)
	for _, p := range procs {
		alive := processAlive(p.pid)
		for name, v := range p.counters {
			if name == "used_watchpoints" && !alive {
				continue
			}
			sum[name] += v
		}
	}
	return sum
}

// processAlive reports whether pid runs (signal 0 probes without
// sending). Where that is not supported the process counts as gone,
// which only drops its armed-watchpoint gauge.
func processAlive(pid int) bool {
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
