//go:build !(amd64 || arm64) || gccgo

package runtime

import "runtime"

// fpCallers is runtime.Callers(1, buf) where frame pointers are not
// walked (see callers_fp.go).
//
//go:noinline
func fpCallers(buf []uintptr) int { return runtime.Callers(2, buf) }
