// Package golden is rewritten by TestGolden; counter.go.golden holds the
// expected output.
package golden

import (
	"os"
	"sync/atomic"
)

// Counter counts events. It is shared between goroutines.
type Counter struct {
	hits  int64
	total atomic.Int64
	names map[string]int
	log   []string
}

var defaultCounter = &Counter{names: map[string]int{}}

// Hit records one event; the plain increment of hits races.
func (c *Counter) Hit(name string) {
	c.hits++ // a comment stays where it was
	c.total.Add(1)
	c.names[name]++
	c.log = append(c.log, name)
	if n := len(c.log); n > 100 && c.hits > 0 {
		c.log = c.log[n-100:]
	}
	for i := 0; i < len(c.log) && c.log[i] != name; i++ {
	}
}

//go:noinline
func sum(xs []int) (s int) {
	for _, x := range xs { // xs elements: read by range
		s += x
	}
	return
}

func main2() {
	defaultCounter.Hit("a")
	if atomic.LoadInt64(&defaultCounter.hits) > 1 {
		os.Exit(1)
	}
}
