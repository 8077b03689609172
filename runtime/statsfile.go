package runtime

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// With the stats_dir option, each process keeps its counters in a file
// DIR/<pid>.stats that is memory-mapped shared: the counters are updated
// in place by the same atomic adds as always, so the file is current at
// every moment and survives the process, whether it exits, panics or is
// killed. The gocsan command aggregates the files of one run for its
// metrics endpoint without the instrumented program needing any
// third-party dependency.
//
// Layout (little endian):
//
//	0   8 bytes  magic "GOCSANS1"
//	8   8 bytes  number of counters n
//	16  8 bytes  pid
//	24  40 bytes reserved
//	64  8*n      counters (int64, updated atomically)
//	64+8*n       counter names, one per line

const (
	statsMagic      = "GOCSANS1"
	statsHeaderSize = 64
)

func statsFileSize() int {
	n := statsHeaderSize + 8*int(numCounters)
	for _, name := range counterNames {
		n += len(name) + 1
	}
	return n
}

// openStatsFile creates this process's stats file in dir and moves the
// counters into it. Called from Configure.
func openStatsFile(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("option stats_dir: %v", err)
	}
	path := filepath.Join(dir, strconv.Itoa(os.Getpid())+".stats")
	mem, err := mapStatsFile(path, statsFileSize())
	if err != nil {
		return fmt.Errorf("option stats_dir: %v", err)
	}
	copy(mem, statsMagic)
	binary.LittleEndian.PutUint64(mem[8:], uint64(numCounters))
	binary.LittleEndian.PutUint64(mem[16:], uint64(os.Getpid()))
	names := mem[statsHeaderSize+8*int(numCounters):]
	for _, name := range counterNames {
		names = names[copy(names, name):]
		names = names[copy(names, "\n"):]
	}
	shared := countersAt(mem[statsHeaderSize:])
	old := counters.Load()
	for i := range shared {
		shared[i].Store(old[i].Load())
	}
	counters.Store(shared)
	return nil
}

// ProcessStats is one process's counters read from a stats file.
type ProcessStats struct {
	Pid      int
	Counters map[string]int64
}

// ReadStatsDir reads every stats file in dir. Files that are not stats
// files are an error naming them; a missing dir is no processes.
func ReadStatsDir(dir string) ([]ProcessStats, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.stats"))
	if err != nil {
		return nil, err
	}
	var out []ProcessStats
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

func readStatsFile(path string) (ProcessStats, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return ProcessStats{}, err
	}
	if len(b) < statsHeaderSize || string(b[:8]) != statsMagic {
		return ProcessStats{}, fmt.Errorf("%s: not a gocsan stats file", path)
	}
	n := int(binary.LittleEndian.Uint64(b[8:]))
	pid := int(binary.LittleEndian.Uint64(b[16:]))
	if n <= 0 || n > 1024 || len(b) < statsHeaderSize+8*n {
		return ProcessStats{}, fmt.Errorf("%s: truncated stats file", path)
	}
	names := strings.Split(strings.TrimSuffix(string(bytes.TrimRight(b[statsHeaderSize+8*n:], "\x00")), "\n"), "\n")
	if len(names) != n {
		return ProcessStats{}, fmt.Errorf("%s: %d counter names for %d counters", path, len(names), n)
	}
	ps := ProcessStats{Pid: pid, Counters: make(map[string]int64, n)}
	for i, name := range names {
		ps.Counters[name] = int64(binary.LittleEndian.Uint64(b[statsHeaderSize+8*i:]))
	}
	return ps, nil
}

// SumStats adds up the counters of several processes. The gauge
// used_watchpoints counts only processes that are still running: a
// process killed while a watchpoint was armed leaves it non-zero.
func SumStats(procs []ProcessStats) map[string]int64 {
	sum := make(map[string]int64)
	for _, p := range procs {
		alive := processAlive(p.Pid)
		for name, v := range p.Counters {
			if name == counterNames[UsedWatchpoints] && !alive {
				continue
			}
			sum[name] += v
		}
	}
	return sum
}
