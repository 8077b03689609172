// Command initorder checks that instrumentation keeps the package's
// variable initialization order (Go issues 43444 and 66585): a and b are
// initialized in declaration order, b after foo incremented x.
package main

import (
	"fmt"
	"os"
	"sync"
)

var mu sync.Mutex
var x = 0
var a = foo()
var b = x

func main() {
	if a != 1 || b != 1 {
		fmt.Println("init order changed: a =", a, "b =", b)
		os.Exit(1)
	}
	fmt.Println("init order kept")
}
