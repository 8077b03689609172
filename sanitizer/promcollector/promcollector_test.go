package promcollector

import (
	"github.com/gocsan/gocsan/report"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	gocsanrt "github.com/gocsan/gocsan/runtime"
	"github.com/gocsan/gocsan/sanitizer"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

var shared int64

//go:noinline
func write() {
	gocsanrt.Write(uintptr(unsafe.Pointer(&shared)), 8)
	atomic.AddInt64(&shared, 1)
}

//go:noinline
func read() {
	gocsanrt.Read(uintptr(unsafe.Pointer(&shared)), 8)
	atomic.LoadInt64(&shared)
}

// raceOnce races two goroutines until one more report is printed. With
// every access watched (skip=1) and 1ms delays, that takes a few
// iterations; the bound is never reached.
func raceOnce(t *testing.T) {
	t.Helper()
	before := seen.Load()
	var wg sync.WaitGroup
	wg.Add(2)
	for _, f := range []func(){write, read} {
		go func() {
			defer wg.Done()
			for i := 0; i < 1000000 && seen.Load() == before; i++ {
				f()
			}
		}()
	}
	wg.Wait()
	if seen.Load() == before {
		t.Fatal("no race reported")
	}
}

// seen counts the reports of this test binary. They are captured
// (sanitizer.CaptureReports), so that the test passes under gocsan test,
// and so not counted by sanitizer.Reports.
var seen atomic.Uint64

func TestCollectorSeesRaces(t *testing.T) {
	old := sanitizer.CurrentOptions()
	o, err := sanitizer.ParseOptions(sanitizer.DefaultOptions(), "skip=1 delay=1ms report_once_in=0 unknown_origin=0 log_path="+filepath.Join(t.TempDir(), "reports.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sanitizer.Configure(o); err != nil {
		t.Fatal(err)
	}
	defer sanitizer.Configure(old)
	defer sanitizer.CaptureReports()()
	defer sanitizer.OnReport(func(*report.Report) { seen.Add(1) })()

	c := New()
	defer c.Close()
	printed0 := seen.Load()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	get := func(name string) float64 {
		t.Helper()
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() != name {
				continue
			}
			var sum float64
			for _, m := range mf.Metric {
				sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
			}
			return sum
		}
		return 0
	}
	races0, reports0 := get("gocsan_data_races_total"), get("gocsan_reports_total")
	for round := 1; round <= 2; round++ {
		raceOnce(t)
		races, reports := get("gocsan_data_races_total"), get("gocsan_reports_total")
		if races <= races0 || reports < reports0+1 {
			t.Errorf("round %d: data races %v (was %v), reports %v (was %v)", round, races, races0, reports, reports0)
		}
		races0, reports0 = races, reports
	}
	// Every report printed since New is counted, under its kind and the
	// package of the reporting access.
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "gocsan_reports_total" {
			continue
		}
		var total float64
		for _, m := range mf.Metric {
			labels := map[string]string{}
			for _, lp := range m.Label {
				labels[lp.GetName()] = lp.GetValue()
			}
			if labels["kind"] != "data-race" || labels["package"] != "github.com/gocsan/gocsan/sanitizer/promcollector" {
				t.Errorf("reports counted under %v", labels)
			}
			total += m.GetCounter().GetValue()
		}
		if want := float64(seen.Load() - printed0); total != want {
			t.Errorf("gocsan_reports_total sums to %v, %v reports printed", total, want)
		}
	}
	if n := testutil.CollectAndCount(c); n < 14 {
		t.Errorf("%d metrics collected, want every counter, build info and reports", n)
	}
	// Pedantic registry: descriptions and metrics are consistent.
	if _, err := reg.Gather(); err != nil {
		t.Error(err)
	}
}
