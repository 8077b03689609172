package runtime_test

// The conformance catalogue: the scenarios of the kernel's
// kernel/kcsan/kcsan_test.c that apply to Go, each stating the exact
// report it expects or that none may appear. Threads become goroutines;
// interrupts, seqlocks and the weak-memory cases (issue: ordering) are
// not ported.
//
// The scenarios are deterministic by settings, not by luck: every access
// is sampled (skip=1), delays are long compared with one loop iteration,
// and a scenario that expects a report runs until it sees it (bounded by
// an iteration budget, which at these settings is never used up). The
// memory effects of the test kernels are done with sync/atomic so that
// Go's race detector, which also checks this package, stays quiet; what
// gocsan sees is the hand-written instrumentation call before each one,
// exactly what the rewriter emits.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/gocsan/gocsan/report"
	rt "github.com/gocsan/gocsan/runtime"
	"github.com/gocsan/gocsan/runtime/record"
)

var (
	testVar    int64
	testSink   int64
	testArray  [3 * 4096 / 8]int64 // spans several watchpoint slots
	testStruct struct{ val [8]int64 }
)

func addr[T any](p *T) uintptr { return uintptr(unsafe.Pointer(p)) }

//go:noinline
func testKernelRead() {
	rt.Read(addr(&testVar), 8)
	atomic.AddInt64(&testSink, atomic.LoadInt64(&testVar))
}

//go:noinline
func testKernelWrite() {
	rt.Write(addr(&testVar), 8)
	atomic.StoreInt64(&testVar, atomic.LoadInt64(&testSink)+1)
}

//go:noinline
func testKernelWriteNochange() {
	rt.Write(addr(&testVar), 8)
	atomic.StoreInt64(&testVar, 42)
}

// testKernelWriteUninstrumented changes testVar with no gocsan call, like
// KCSAN's __no_kcsan writer: the watcher sees only the value change.
//
//go:noinline
func testKernelWriteUninstrumented() {
	atomic.AddInt64(&testVar, 1)
}

//go:noinline
func testKernelReadAtomic() {
	rt.AtomicRead(addr(&testVar), 8)
	atomic.LoadInt64(&testVar)
}

//go:noinline
func testKernelWriteAtomic() {
	rt.AtomicWrite(addr(&testVar), 8)
	atomic.AddInt64(&testVar, 1)
}

//go:noinline
func testKernelAtomicRMW() {
	rt.AtomicReadWrite(addr(&testVar), 8)
	atomic.AddInt64(&testVar, 1)
}

//go:noinline
func testKernelRMWArray() {
	for i := range testArray {
		rt.ReadWrite(addr(&testArray[i]), 8)
		atomic.AddInt64(&testArray[i], 1)
	}
}

//go:noinline
func testKernelWriteStruct() {
	rt.WriteRange(addr(&testStruct), unsafe.Sizeof(testStruct))
	for i := range testStruct.val {
		atomic.AddInt64(&testStruct.val[i], 1)
	}
}

//go:noinline
func testKernelWriteStructPart() {
	rt.Write(addr(&testStruct.val[3]), 8)
	atomic.StoreInt64(&testStruct.val[3], 42)
}

//go:noinline
func testKernelReadStructZeroSize() {
	rt.Read(addr(&testStruct.val[3]), 0)
}

//go:noinline
func testKernelDataRace() {
	rt.DisableCurrent()
	rt.ReadWrite(addr(&testVar), 8)
	atomic.AddInt64(&testVar, 1)
	rt.EnableCurrent()
}

//go:noinline
func testKernelAssertWriter() { rt.AssertExclusiveWriter(addr(&testVar), 8) }

//go:noinline
func testKernelAssertAccess() { rt.AssertExclusiveAccess(addr(&testVar), 8) }

//go:noinline
func testKernelAssertBitsChange() { rt.AssertExclusiveBits(addr(&testVar), 8, 0xff00ff00) }

//go:noinline
func testKernelAssertBitsNochange() { rt.AssertExclusiveBits(addr(&testVar), 8, ^uint64(0xff00ff00)) }

//go:noinline
func testKernelChangeBits() {
	rt.AtomicWrite(addr(&testVar), 8)
	for {
		old := atomic.LoadInt64(&testVar)
		if atomic.CompareAndSwapInt64(&testVar, old, old^0xff00ff00) {
			return
		}
	}
}

//go:noinline
func testKernelXor1Bit() {
	rt.ReadWrite(addr(&testVar), 8)
	for {
		old := atomic.LoadInt64(&testVar)
		if atomic.CompareAndSwapInt64(&testVar, old, old^0x10000) {
			return
		}
	}
}

// testEnterScope makes unrelated accesses inside a scope; a scoped report
// must blame the function that opened the scope, never this one.
//
//go:noinline
func testEnterScope() {
	p := &testFar[len(testFar)/2]
	for i := 0; i < 4; i++ {
		rt.Read(addr(p), 8)
		atomic.LoadInt64(p)
	}
}

// testFar's middle is at least three pages away from any other variable,
// so watchpoints on it never take the slots of testVar's window.
var testFar [7 * 4096 / 8]int64

//go:noinline
func testKernelAssertWriterScoped() {
	s := rt.AssertExclusiveWriterScoped(addr(&testVar), 8)
	testEnterScope()
	s.End()
}

//go:noinline
func testKernelAssertAccessScoped() {
	s := rt.AssertExclusiveAccessScoped(addr(&testVar), 8)
	testEnterScope()
	s.End()
}

var testMu sync.Mutex

//go:noinline
func testKernelLockedRead() {
	testMu.Lock()
	testKernelRead()
	testMu.Unlock()
}

//go:noinline
func testKernelLockedWrite() {
	testMu.Lock()
	testKernelWrite()
	testMu.Unlock()
}

// access describes one expected access: KCSAN's type string, size and the
// top frame's function (without the package path).
type access struct {
	typ  string
	size uint64
	fn   string
}

// expect is one acceptable report: its kind and accesses in either order
// (KCSAN's test accepts both orders). An unknown-origin expectation has
// one access.
type expect struct {
	kind     report.Kind
	accesses []access
}

func (e expect) String() string {
	var parts []string
	for _, a := range e.accesses {
		parts = append(parts, fmt.Sprintf("%s/%d/%s", a.typ, a.size, a.fn))
	}
	return string(e.kind) + "{" + strings.Join(parts, ", ") + "}"
}

func shortFn(f string) string { return f[strings.LastIndexByte(f, '.')+1:] }

func (a access) matches(got report.Access) bool {
	return got.TypeString() == a.typ && got.Size == a.size && shortFn(got.Top().Function) == a.fn
}

func (e expect) matches(r *report.Report) bool {
	if r.Kind != e.kind || len(r.Accesses) != len(e.accesses) {
		return false
	}
	if len(e.accesses) == 1 {
		return e.accesses[0].matches(r.Accesses[0])
	}
	a, b := e.accesses[0], e.accesses[1]
	return (a.matches(r.Accesses[0]) && b.matches(r.Accesses[1])) ||
		(a.matches(r.Accesses[1]) && b.matches(r.Accesses[0]))
}

// checkTitle verifies the title KCSAN would print: kind prefix and the
// two functions sorted.
func checkTitle(t *testing.T, r *report.Report) {
	t.Helper()
	if want := report.MakeTitle(r); r.Title != want {
		t.Errorf("title %q, want %q", r.Title, want)
	}
	prefix := "data-race in "
	if r.Kind == report.KindAssert {
		prefix = "assert: race in "
	}
	if !strings.HasPrefix(r.Title, prefix) {
		t.Errorf("title %q lacks %q", r.Title, prefix)
	}
}

type scenario struct {
	options string   // GOCSAN fields on top of the test defaults
	kernels []func() // run alternately by every goroutine, as KCSAN's access threads do
	want    []expect // the scenario passes once any one of these is seen
	never   []expect // a report matching one of these fails the scenario
	// requireAll means every expectation in want must be seen.
	requireAll bool
	// iterations bounds a scenario expecting nothing (each goroutine runs
	// that many rounds) and, times 50, one expecting a report.
	iterations int
	// stop, if set, ends a scenario expecting no report early.
	stop func() bool
}

const baseOptions = "skip=1 skip_randomize=0 delay=1ms delay_randomize=0 report_once_in=0 exitcode=0"

func run(t *testing.T, sc scenario) {
	t.Helper()
	o, err := rt.ParseOptions(rt.DefaultOptions(), baseOptions+" "+sc.options)
	if err != nil {
		t.Fatal(err)
	}
	o.LogPath = filepath.Join(t.TempDir(), "reports.txt")
	if err := rt.Configure(o); err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		got  []*report.Report
		done atomic.Bool
	)
	seen := make([]bool, len(sc.want))
	cancel := rt.Subscribe(func(rec *record.Report) {
		r := report.FromRecord(rec)
		mu.Lock()
		defer mu.Unlock()
		got = append(got, r)
		all := true
		for i, e := range sc.want {
			if e.matches(r) {
				seen[i] = true
			}
			all = all && seen[i]
		}
		if len(sc.want) > 0 && (all || (!sc.requireAll && anyTrue(seen))) {
			done.Store(true)
		}
	})
	defer cancel()

	iterations := sc.iterations
	if iterations == 0 {
		iterations = 40
	}
	if len(sc.want) > 0 {
		iterations *= 50
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			<-start
			for i := 0; i < iterations && !done.Load() && (sc.stop == nil || !sc.stop()); i++ {
				sc.kernels[(i+g)%len(sc.kernels)]()
			}
		}(g)
	}
	close(start)
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	for _, r := range got {
		checkTitle(t, r)
		for _, e := range sc.never {
			if e.matches(r) {
				t.Errorf("forbidden report %v:\n%s", e, report.Text(r))
			}
		}
		if len(sc.want) == 0 {
			t.Errorf("expected no report, got:\n%s", report.Text(r))
		}
	}
	for i, e := range sc.want {
		if sc.requireAll && !seen[i] {
			t.Errorf("report %v not seen in %d iterations; got %d other reports", e, iterations, len(got))
		}
	}
	if len(sc.want) > 0 && !anyTrue(seen) {
		t.Errorf("none of %v seen in %d iterations; got %d other reports; counters %v", sc.want, iterations, len(got), rt.Stats())
		for _, r := range got {
			t.Logf("got:\n%s", report.Text(r))
		}
	}
}

func anyTrue(b []bool) bool {
	for _, v := range b {
		if v {
			return true
		}
	}
	return false
}

func TestMain(m *testing.M) {
	code := m.Run()
	// Leave the engine quiet for anything that runs after the tests.
	o := rt.DefaultOptions()
	o.Enabled = false
	_ = rt.Configure(o)
	os.Exit(code)
}

var (
	readerRead   = access{"read", 8, "testKernelRead"}
	writerWrite  = access{"write", 8, "testKernelWrite"}
	readOnlyPair = expect{report.KindDataRace, []access{readerRead, readerRead}}
)

// test_basic: a plain write that changes the value races with a plain
// read; two reads never race.
func TestBasic(t *testing.T) {
	run(t, scenario{
		kernels: []func(){testKernelRead, testKernelWrite},
		want:    []expect{{report.KindDataRace, []access{writerWrite, readerRead}}},
		never:   []expect{readOnlyPair},
	})
}

// test_concurrent_races: read-modify-writes over an array spanning several
// slots race with each other.
func TestConcurrentRaces(t *testing.T) {
	rmw := access{"read-write", 8, "testKernelRMWArray"}
	run(t, scenario{
		kernels: []func(){testKernelRMWArray},
		want:    []expect{{report.KindDataRace, []access{rmw, rmw}}},
		never:   []expect{readOnlyPair},
	})
}

// test_novalue_change: a write that stores the same value is reported
// unless value_change_only is set.
func TestNovalueChange(t *testing.T) {
	nochange := access{"write", 8, "testKernelWriteNochange"}
	t.Run("strict", func(t *testing.T) {
		run(t, scenario{
			kernels: []func(){testKernelWriteNochange, testKernelRead},
			want:    []expect{{report.KindDataRace, []access{nochange, readerRead}}, {report.KindDataRace, []access{nochange, nochange}}},
		})
	})
	t.Run("value_change_only", func(t *testing.T) {
		atomic.StoreInt64(&testVar, 42)
		run(t, scenario{
			options: "value_change_only=1",
			kernels: []func(){testKernelWriteNochange, testKernelRead},
		})
	})
}

// test_unknown_origin: an uninstrumented writer changes the value under a
// plain read's watchpoint.
func TestUnknownOrigin(t *testing.T) {
	t.Run("reported", func(t *testing.T) {
		run(t, scenario{
			kernels: []func(){testKernelWriteUninstrumented, testKernelRead},
			want:    []expect{{report.KindUnknownOrigin, []access{readerRead}}},
		})
	})
	t.Run("unknown_origin=0", func(t *testing.T) {
		before := rt.Stat(rt.RacesUnknownOrigin)
		moved := func() bool { return rt.Stat(rt.RacesUnknownOrigin) > before }
		run(t, scenario{
			options:    "unknown_origin=0",
			kernels:    []func(){testKernelWriteUninstrumented, testKernelRead},
			iterations: 2000,
			stop:       moved,
		})
		// Counted even though not printed, as in KCSAN.
		if !moved() {
			t.Error("races_unknown_origin did not move")
		}
	})
}

// test_write_write_assume_atomic: aligned word-sized plain writes race
// unless assume_plain_writes_atomic is set.
func TestWriteWriteAssumeAtomic(t *testing.T) {
	w := access{"write", 8, "testKernelWrite"}
	t.Run("strict", func(t *testing.T) {
		run(t, scenario{
			kernels: []func(){testKernelWrite},
			want:    []expect{{report.KindDataRace, []access{w, w}}},
		})
	})
	t.Run("assume_plain_writes_atomic", func(t *testing.T) {
		run(t, scenario{
			options: "assume_plain_writes_atomic=1",
			kernels: []func(){testKernelWrite},
		})
	})
}

// test_write_write_struct: writes larger than a word are never assumed
// atomic.
func TestWriteWriteStruct(t *testing.T) {
	w := access{"write", 64, "testKernelWriteStruct"}
	run(t, scenario{
		options: "assume_plain_writes_atomic=1",
		kernels: []func(){testKernelWriteStruct},
		want:    []expect{{report.KindDataRace, []access{w, w}}},
	})
}

// test_write_write_struct_part: a whole-struct write races with a write
// of one of its fields.
func TestWriteWriteStructPart(t *testing.T) {
	run(t, scenario{
		kernels: []func(){testKernelWriteStruct, testKernelWriteStructPart},
		want: []expect{{report.KindDataRace, []access{
			{"write", 64, "testKernelWriteStruct"}, {"write", 8, "testKernelWriteStructPart"}}}},
	})
}

// test_read_atomic_write_atomic: marked accesses never race with each
// other.
func TestReadAtomicWriteAtomic(t *testing.T) {
	run(t, scenario{
		kernels:    []func(){testKernelReadAtomic, testKernelWriteAtomic},
		iterations: 200,
	})
}

// test_read_plain_atomic_write: a plain read races with a marked write.
func TestReadPlainAtomicWrite(t *testing.T) {
	run(t, scenario{
		kernels: []func(){testKernelRead, testKernelWriteAtomic},
		want:    []expect{{report.KindDataRace, []access{readerRead, {"write (marked)", 8, "testKernelWriteAtomic"}}}},
	})
}

// test_read_plain_atomic_rmw: a plain read races with a marked RMW.
func TestReadPlainAtomicRMW(t *testing.T) {
	run(t, scenario{
		kernels: []func(){testKernelRead, testKernelAtomicRMW},
		want:    []expect{{report.KindDataRace, []access{readerRead, {"read-write (marked)", 8, "testKernelAtomicRMW"}}}},
	})
}

// test_zero_size_access: a zero-sized access never races; the struct
// writers racing with each other show the scenario did run.
func TestZeroSizeAccess(t *testing.T) {
	w := access{"write", 64, "testKernelWriteStruct"}
	run(t, scenario{
		kernels: []func(){testKernelWriteStruct, testKernelReadStructZeroSize},
		want:    []expect{{report.KindDataRace, []access{w, w}}},
		never: []expect{{report.KindDataRace, []access{w, {"read", 0, "testKernelReadStructZeroSize"}}},
			{report.KindDataRace, []access{w, {"read", 8, "testKernelReadStructZeroSize"}}}},
	})
}

// test_data_race: accesses inside DisableCurrent (data_race()) are never
// reported.
func TestDataRace(t *testing.T) {
	run(t, scenario{
		kernels:    []func(){testKernelDataRace},
		iterations: 100,
	})
}

// test_assert_exclusive_writer: a writer that does not even change the
// value violates AssertExclusiveWriter.
func TestAssertExclusiveWriter(t *testing.T) {
	run(t, scenario{
		kernels: []func(){testKernelAssertWriter, testKernelWriteNochange},
		want: []expect{{report.KindAssert, []access{
			{"assert no writes", 8, "testKernelAssertWriter"}, {"write", 8, "testKernelWriteNochange"}}}},
	})
}

// test_assert_exclusive_access: a reader violates AssertExclusiveAccess.
func TestAssertExclusiveAccess(t *testing.T) {
	run(t, scenario{
		kernels: []func(){testKernelAssertAccess, testKernelRead},
		want: []expect{{report.KindAssert, []access{
			{"assert no accesses", 8, "testKernelAssertAccess"}, readerRead}}},
	})
}

// test_assert_exclusive_access_writer: access asserts conflict with writer
// asserts and with each other; two writer asserts never conflict.
func TestAssertExclusiveAccessWriter(t *testing.T) {
	acc := access{"assert no accesses", 8, "testKernelAssertAccess"}
	wr := access{"assert no writes", 8, "testKernelAssertWriter"}
	run(t, scenario{
		kernels:    []func(){testKernelAssertAccess, testKernelAssertWriter},
		want:       []expect{{report.KindAssert, []access{acc, wr}}, {report.KindAssert, []access{acc, acc}}},
		never:      []expect{{report.KindAssert, []access{wr, wr}}},
		requireAll: true,
	})
}

// test_assert_exclusive_bits_change: a marked write flipping masked bits
// violates AssertExclusiveBits.
func TestAssertExclusiveBitsChange(t *testing.T) {
	run(t, scenario{
		kernels: []func(){testKernelAssertBitsChange, testKernelChangeBits},
		want: []expect{{report.KindAssert, []access{
			{"assert no writes", 8, "testKernelAssertBitsChange"}, {"write (marked)", 8, "testKernelChangeBits"}}}},
	})
}

// test_assert_exclusive_bits_nochange: bits outside the mask may change.
func TestAssertExclusiveBitsNochange(t *testing.T) {
	run(t, scenario{
		kernels:    []func(){testKernelAssertBitsNochange, testKernelChangeBits},
		iterations: 100,
	})
}

// test_assert_exclusive_writer_scoped: the report blames the function that
// opened the scope, typed "(reordered)", never the function called inside.
func TestAssertExclusiveWriterScoped(t *testing.T) {
	run(t, scenario{
		kernels: []func(){testKernelAssertWriterScoped, testKernelWriteNochange},
		want: []expect{{report.KindAssert, []access{
			{"assert no writes (reordered)", 8, "testKernelAssertWriterScoped"}, {"write", 8, "testKernelWriteNochange"}}},
			{report.KindAssert, []access{
				{"assert no writes", 8, "testKernelAssertWriterScoped"}, {"write", 8, "testKernelWriteNochange"}}}},
		never: []expect{{report.KindAssert, []access{
			{"assert no writes (reordered)", 8, "testEnterScope"}, {"write", 8, "testKernelWriteNochange"}}}},
	})
}

// test_assert_exclusive_access_scoped: a reader (or the other goroutine's
// own check) inside a goroutine's access scope is reported against the
// scope's start.
func TestAssertExclusiveAccessScoped(t *testing.T) {
	scoped := access{"assert no accesses (reordered)", 8, "testKernelAssertAccessScoped"}
	check := access{"assert no accesses", 8, "testKernelAssertAccessScoped"}
	run(t, scenario{
		kernels: []func(){testKernelAssertAccessScoped, testKernelRead},
		// As in KCSAN: the scope's report pairs it with the reader or
		// with the other goroutine's own scope check.
		want: []expect{{report.KindAssert, []access{scoped, readerRead}},
			{report.KindAssert, []access{scoped, check}}, {report.KindAssert, []access{scoped, scoped}}},
		never: []expect{{report.KindAssert, []access{{"assert no accesses (reordered)", 8, "testEnterScope"}, readerRead}}},
	})
}

// test_1bit_value_change: flipping one bit is a race (gocsan has no
// permissive mode).
func TestOneBitValueChange(t *testing.T) {
	run(t, scenario{
		kernels: []func(){testKernelRead, testKernelXor1Bit},
		want:    []expect{{report.KindDataRace, []access{readerRead, {"read-write", 8, "testKernelXor1Bit"}}}},
	})
}

// The seqlock and spinlock scenarios, for Go: accesses ordered by a
// sync.Mutex never overlap in time, so they are never reported.
func TestMutexNoReport(t *testing.T) {
	run(t, scenario{
		kernels:    []func(){testKernelLockedRead, testKernelLockedWrite},
		iterations: 100,
	})
}
