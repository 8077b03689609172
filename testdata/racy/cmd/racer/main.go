// Command racer runs one of package racy's functions, racy or safe, for
// "gocsan run" and "gocsan build": racer Field races, racer FieldSafe
// does not.
package main

import (
	"fmt"
	"os"

	"example.com/racy"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: racer Field|FieldSafe")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "Field":
		fmt.Println(racy.Field() != nil)
	case "FieldSafe":
		fmt.Println(racy.FieldSafe() != nil)
	default:
		fmt.Fprintln(os.Stderr, "racer: unknown function", os.Args[1])
		os.Exit(2)
	}
}
