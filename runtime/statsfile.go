package runtime

import "unsafe"

// With the stats_dir option, each process keeps its counters in a file
// DIR/<pid>.stats that is memory-mapped shared: the counters are updated
// in place by the same atomic adds as always, so the file is current at
// every moment and survives the process, whether it exits, panics or is
// killed. The gocsan command aggregates the files of one run for its
// metrics endpoint. The layout, and its reader, are package statsfile's;
// the engine writes it itself, as that package imports what the engine
// may not (its test checks the engine's files).

const (
	statsMagic      = "GOCSANS1" // statsfile.Magic
	statsHeaderSize = 64         // statsfile.HeaderSize
)

// openStatsFile creates this process's stats file in dir and moves the
// counters into it. Called from Configure.
func openStatsFile(dir string) error {
	if err := mkdirAll(dir); err != nil {
		return optionError("option stats_dir: " + err.Error())
	}
	pid := getpid()
	path := dir + "/" + itoa(int64(pid)) + ".stats"
	if dir == "" {
		path = itoa(int64(pid)) + ".stats"
	}
	names := counterNames[:]
	size := statsHeaderSize + 8*len(names)
	for _, name := range names {
		size += len(name) + 1
	}
	mem, err := mapFile(path, size)
	if err != nil {
		return optionError("option stats_dir: " + err.Error())
	}
	writeStatsHeader(mem, names, pid)
	shared := countersAt(mem[statsHeaderSize:])
	old := counters.Load()
	for i := range shared {
		shared[i].Store(old[i].Load())
	}
	counters.Store(shared)
	return nil
}

// writeStatsHeader fills in everything but the counters (statsfile's
// layout: magic, count, pid, reserved, counters, names one per line).
func writeStatsHeader(mem []byte, names []string, pid int) {
	copy(mem, statsMagic)
	putUint64(mem[8:], uint64(len(names)))
	putUint64(mem[16:], uint64(pid))
	rest := mem[statsHeaderSize+8*len(names):]
	for _, name := range names {
		rest = rest[copy(rest, name):]
		rest = rest[copy(rest, "\n"):]
	}
}

// putUint64 is binary.LittleEndian.PutUint64.
func putUint64(b []byte, v uint64) {
	for i := range 8 {
		b[i] = byte(v >> (8 * i))
	}
}

// countersAt views mapped memory as the counter array. The mapping is
// page aligned and the counters start at offset 0 of the slice passed, a
// multiple of 8 from it, as atomic 64-bit operations require.
func countersAt(mem []byte) *counterArray {
	return (*counterArray)(unsafe.Pointer(&mem[0]))
}
