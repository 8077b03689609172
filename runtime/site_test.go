package runtime

import (
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/gocsan/gocsan/runtime/record"
)

func TestSiteSkipBackoff(t *testing.T) {
	o := DefaultOptions()
	o.Skip = 100000
	o.SkipRandomize = false
	for _, c := range []struct {
		k    uint32
		want int64
	}{{0, 1}, {9, 1}, {10, 10}, {19, 10}, {20, 100}, {30, 1000}, {40, 10000}, {50, 100000}, {90, 100000}} {
		if got := siteSkip(&o, c.k); got != c.want {
			t.Errorf("siteSkip(k=%d) = %d, want %d", c.k, got, c.want)
		}
	}
	o.SkipRandomize = true
	for k := uint32(0); k < 60; k++ {
		if got := siteSkip(&o, k); got < 1 || got >= 2*100000 {
			t.Fatalf("randomized siteSkip(k=%d) = %d out of range", k, got)
		}
	}
}

// A cold site is sampled on its first executions, so a race between two
// goroutines' first few accesses is caught with adaptive sampling even
// with a huge skip.
func TestAdaptiveCatchesColdRace(t *testing.T) {
	saved := CurrentOptions()
	defer func() { _ = Configure(saved) }()
	o, err := ParseOptions(DefaultOptions(), "sampling=adaptive skip=1000000 delay=2ms delay_randomize=0 report_once_in=0 exitcode=0")
	if err != nil {
		t.Fatal(err)
	}
	o.LogPath = filepath.Join(t.TempDir(), "log")
	if err := Configure(o); err != nil {
		t.Fatal(err)
	}
	var got atomic.Int32
	cancel := Subscribe(func(r *record.Report) {
		if r.Kind == record.KindDataRace {
			got.Add(1)
		}
	})
	defer cancel()
	var v int64
	var sites [2]Site
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 10 && got.Load() == 0; i++ {
				if g == 0 {
					WriteAt(&sites[0], uintptr(unsafe.Pointer(&v)), 8)
					atomic.AddInt64(&v, 1)
				} else {
					ReadAt(&sites[1], uintptr(unsafe.Pointer(&v)), 8)
					atomic.LoadInt64(&v)
				}
			}
		}(g)
	}
	wg.Wait()
	if got.Load() == 0 {
		t.Fatal("race between two cold sites not reported")
	}
	if sites[0].k == 0 || sites[1].k == 0 {
		t.Errorf("sites not sampled: %+v", sites)
	}
}
