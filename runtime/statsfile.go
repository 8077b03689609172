package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gocsan/gocsan/runtime/statsfile"
)

// With the stats_dir option, each process keeps its counters in a file
// DIR/<pid>.stats that is memory-mapped shared: the counters are updated
// in place by the same atomic adds as always, so the file is current at
// every moment and survives the process, whether it exits, panics or is
// killed. The gocsan command aggregates the files of one run for its
// metrics endpoint. The layout and the reader are in package statsfile.

// openStatsFile creates this process's stats file in dir and moves the
// counters into it. Called from Configure.
func openStatsFile(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("option stats_dir: %v", err)
	}
	path := filepath.Join(dir, strconv.Itoa(os.Getpid())+".stats")
	names := counterNames[:]
	mem, err := mapStatsFile(path, statsfile.Size(names))
	if err != nil {
		return fmt.Errorf("option stats_dir: %v", err)
	}
	statsfile.WriteHeader(mem, names, os.Getpid())
	shared := countersAt(mem[statsfile.HeaderSize:])
	old := counters.Load()
	for i := range shared {
		shared[i].Store(old[i].Load())
	}
	counters.Store(shared)
	return nil
}
