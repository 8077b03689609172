package runtime

import "unsafe"

// What the engine needs of package time and of the environment, taken
// from the Go runtime directly (each symbol below is one the runtime
// provides to package time or syscall through a linkname, and so one the
// linker lets any package refer to). Package time is outside the
// runtime's import closure: it is instrumented like the rest of std.

//go:linkname nanotime runtime.nanotime
func nanotime() int64

// walltime returns the wall clock: seconds and nanoseconds since the Unix
// epoch (and the monotonic reading, unused).
//
//go:linkname walltime time.now
func walltime() (sec int64, nsec int32, mono int64)

// sleep is time.Sleep.
//
//go:linkname sleep time.Sleep
func sleep(ns int64)

// newTimer is the runtime's side of time.AfterFunc (runtime/time.go):
// f(arg, seq, delay) runs in the timer's context at when (a nanotime),
// and must not block.
//
//go:linkname newTimer time.newTimer
func newTimer(when, period int64, f func(arg any, seq uintptr, delay int64), arg any, c unsafe.Pointer) unsafe.Pointer

// afterFunc runs fn in its own goroutine once d nanoseconds have passed,
// as time.AfterFunc does; no goroutine exists until then.
func afterFunc(d Duration, fn func()) {
	newTimer(nanotime()+int64(d), 0, goFunc, fn, nil)
}

func goFunc(arg any, _ uintptr, _ int64) { go arg.(func())() }

// wallNanos is the wall clock in nanoseconds since the Unix epoch.
func wallNanos() int64 {
	sec, nsec, _ := walltime()
	return sec*1e9 + int64(nsec)
}

// runtimeEnvs is the environment the program started with, as syscall
// and os read it.
//
//go:linkname runtimeEnvs syscall.runtime_envs
func runtimeEnvs() []string

// getenv returns the value of the environment variable key at start.
func getenv(key string) string {
	for _, kv := range runtimeEnvs() {
		if len(kv) > len(key) && kv[len(key)] == '=' && kv[:len(key)] == key {
			return kv[len(key)+1:]
		}
	}
	return ""
}
