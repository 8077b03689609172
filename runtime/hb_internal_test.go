package runtime

import (
	"runtime"
	"sync"
	"testing"
	"unsafe"
)

// The detector's memory stays under hb_memory: 10^5 goroutines over the
// test's life, each with a lock and a publication, and 10^6 distinct
// sampled addresses.
func TestHBMemoryBound(t *testing.T) {
	if testing.Short() {
		t.Skip("10^5 goroutines")
	}
	o, err := ParseOptions(DefaultOptions(), "hb=1 hb_memory=8 skip=1 delay=0 report_once_in=0 exitcode=0")
	if err != nil {
		t.Fatal(err)
	}
	o.LogPath = t.TempDir() + "/reports.txt"
	if err := Configure(o); err != nil {
		t.Fatal(err)
	}
	defer Configure(DefaultOptions())
	defer CaptureReports()()
	const goroutines, perG = 100_000, 10
	mem := make([]int64, goroutines*perG)
	var mu sync.Mutex
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	bound := int64(o.HBMemory) << 20
	var peak int64
	for batch := 0; batch < goroutines; batch += 100 {
		var wg sync.WaitGroup
		for g := batch; g < batch+100; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				hbLock(addrOf(&mu), false)
				mu.Lock()
				hbUnlock(addrOf(&mu), false)
				mu.Unlock()
				for i := 0; i < perG; i++ {
					hbAccess(addrOf(&mem[g*perG+i]), 8, accessWrite)
				}
				hbPublish()
			}(g)
		}
		wg.Wait()
		if m := hbw.Load().memoryInUse(); m > peak {
			peak = m
		}
	}
	if peak > bound {
		t.Errorf("detector memory peaked at %d bytes, bound %d", peak, bound)
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	// The heap also holds mem itself (8 MB) and the goroutines' stacks.
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > bound+16<<20 {
		t.Errorf("heap grew by %d bytes, bound %d", grown, bound)
	}
	t.Logf("peak %d bytes of %d; resets %d", peak, bound, Stat(HBResets))
}

func addrOf[T any](p *T) uintptr { return uintptr(unsafe.Pointer(p)) }
