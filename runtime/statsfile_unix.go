//go:build unix

package runtime

import (
	"os"
	"syscall"
	"unsafe"
)

func mapStatsFile(path string, size int) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	defer f.Close() // the mapping outlives the descriptor
	if err := f.Truncate(int64(size)); err != nil {
		return nil, err
	}
	return syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
}

// countersAt views mapped memory as the counter array. The mapping is
// page aligned and the counters start at offset 0 of the slice passed, a
// multiple of 8 from it, as atomic 64-bit operations require.
func countersAt(mem []byte) *counterArray {
	return (*counterArray)(unsafe.Pointer(&mem[0]))
}
