//go:build (amd64 || arm64) && !gccgo

package runtime

import "unsafe"

// getg returns the current goroutine's runtime.g, in goid_$GOARCH.s.
func getg() unsafe.Pointer
