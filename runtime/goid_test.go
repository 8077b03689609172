package runtime

import (
	"runtime"
	"sync"
	"testing"
)

// The fast goid must agree with runtime.Stack's id on every goroutine,
// including many running at once (each reads its own g).
func TestGoidMatchesSlow(t *testing.T) {
	if got, want := goid(), goidSlow(); got != want {
		t.Fatalf("test goroutine: goid %d, runtime.Stack says %d", got, want)
	}
	if (runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64") && runtime.Compiler == "gc" && !goidOffset.ok {
		t.Errorf("goid calibration failed on %s: every call takes the runtime.Stack path", runtime.GOARCH)
	}
	const n = 100
	var start, done sync.WaitGroup
	start.Add(n)
	errs := make(chan string, n)
	for i := 0; i < n; i++ {
		done.Add(1)
		go func() {
			defer done.Done()
			// All alive at once, so no two share a g.
			start.Done()
			start.Wait()
			for j := 0; j < 10; j++ {
				if got, want := goid(), goidSlow(); got != want {
					errs <- "goid mismatch"
					return
				}
				runtime.Gosched()
			}
		}()
	}
	done.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	if got, want := goid(), goidSlow(); got != want {
		t.Fatalf("test goroutine after: goid %d, runtime.Stack says %d", got, want)
	}
}

// BenchmarkGoid compares the fast path with runtime.Stack:
//
//	go test -run '^$' -bench Goid ./runtime
func BenchmarkGoid(b *testing.B) {
	b.Run("fast", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			goid()
		}
	})
	b.Run("slow", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			goidSlow()
		}
	})
}
