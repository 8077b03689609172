package directives

import "os"

var g int

//go:norace
func norace() { g = 1 }

//go:nosplit
func nosplit() { g = 2 }

//gocsan:ignore
func ignored() { g = 3 }

func partly() {
	//gocsan:ignore
	g = 4
	g = 5 // want "Write g 8"
	g = 7 //gocsan:ignore
	g = 8 // want "Write g 8"
}

func exit() {
	os.Exit(g) // want "Read g 8"
}

var f = func() {
	g = 6 // want "Write g 8"
}
