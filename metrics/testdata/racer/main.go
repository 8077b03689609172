// Command racer is an instrumented program (instrumented by hand, the
// way gocsan's rewriter does it) driven over stdin, so a test can scrape
// metrics between its races: each "race" line makes it race until one
// more report is printed, then it answers "raced"; "exit" ends it.
package main

import (
	"bufio"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"unsafe"

	gocsan "github.com/gocsan/gocsan/runtime"
)

var shared int64

//go:noinline
func write() {
	gocsan.Write(uintptr(unsafe.Pointer(&shared)), 8)
	atomic.AddInt64(&shared, 1)
}

//go:noinline
func read() int64 {
	gocsan.Read(uintptr(unsafe.Pointer(&shared)), 8)
	return atomic.LoadInt64(&shared)
}

func race() {
	before := gocsan.Reports()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 1000000 && gocsan.Reports() == before; i++ {
			write()
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 1000000 && gocsan.Reports() == before; i++ {
			read()
		}
	}()
	wg.Wait()
}

func main() {
	fmt.Println("ready")
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		switch sc.Text() {
		case "race":
			race()
			fmt.Println("raced", gocsan.Reports())
		case "exit":
			return
		}
	}
}
