package main

// foo is instrumented (x is a package variable, mu a lock): its checks
// use the package's sites and lock classes.
func foo() int {
	mu.Lock()
	defer mu.Unlock()
	x++
	return x
}
