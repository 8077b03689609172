// Command handwritten is a racy program instrumented by hand, the way the
// rewriter instruments code: each shared access is preceded by a call into
// gocsan's runtime. Run it to see a report:
//
//	GOCSAN="skip=1 delay=1ms" go run ./examples/handwritten
//
// It exits with status 66 because it reported a race.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	gocsan "github.com/gocsan/gocsan/runtime"
)

type counter struct {
	hits int64
}

// record increments the counter without synchronization: the race.
//
//go:noinline
func record(c *counter) {
	gocsan.ReadWrite(uintptr(unsafe.Pointer(&c.hits)), unsafe.Sizeof(c.hits))
	// The memory effect itself is atomic so that the example is also
	// clean under go run -race; gocsan sees the plain read-write above.
	atomic.AddInt64(&c.hits, 1)
}

//go:noinline
func snapshot(c *counter) int64 {
	gocsan.Read(uintptr(unsafe.Pointer(&c.hits)), unsafe.Sizeof(c.hits))
	return atomic.LoadInt64(&c.hits)
}

func main() {
	defer gocsan.MainExit()
	c := new(counter)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 200 && gocsan.Reports() == 0; i++ {
			record(c)
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 200 && gocsan.Reports() == 0; i++ {
			snapshot(c)
		}
	}()
	wg.Wait()
	fmt.Printf("hits=%d reports=%d\n", snapshot(c), gocsan.Reports())
}
