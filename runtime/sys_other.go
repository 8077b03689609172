//go:build !linux || !(amd64 || arm64)

package runtime

import "os"

// Elsewhere than linux/amd64 and linux/arm64 the engine's files go
// through package os, which is then part of the runtime's import closure
// (and so never instrumented): see docs/engine.md.

type sysFile = *os.File

var (
	stdoutFile = os.Stdout
	stderrFile = os.Stderr
)

func openAppend(path string) (sysFile, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
}

func writeAll(f sysFile, b []byte) { f.Write(b) }

func closeFile(f sysFile) { f.Close() }

func mkdirAll(dir string) error { return os.MkdirAll(dir, 0o755) }

func getpid() int { return os.Getpid() }
