//go:build linux && (amd64 || arm64)

package runtime

import (
	goruntime "runtime"
	"unsafe"
)

// The engine's files (log_path, json_path, stats_dir) and its writes to
// standard error, by system calls of its own: the os and syscall packages
// are outside the runtime's import closure (docs/engine.md), so that they
// can be instrumented. Blocking calls are bracketed by the Go runtime's
// entersyscall and exitsyscall as syscall.Syscall does, so that a slow
// write does not hold a P.

// rawSyscall6 is in sys_linux_$GOARCH.s.
func rawSyscall6(num, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2, errno uintptr)

//go:linkname entersyscall runtime.entersyscall
func entersyscall()

//go:linkname exitsyscall runtime.exitsyscall
func exitsyscall()

// sysFile is an open file descriptor.
type sysFile int

const (
	stdoutFile sysFile = 1
	stderrFile sysFile = 2

	atFdcwd   = ^uintptr(99) // AT_FDCWD, -100
	oWronly   = 0x1
	oRdwr     = 0x2
	oCreat    = 0x40
	oTrunc    = 0x200
	oAppend   = 0x400
	oCloexec  = 0x80000
	eexist    = 17
	eintr     = 4
	eagain    = 11
	enoent    = 2
	protRead  = 0x1
	protWrite = 0x2
	mapShared = 0x1
)

// sysError is a failed system call on a path, worded as os.PathError.
type sysError struct {
	op, path string
	errno    uintptr
}

func (e *sysError) Error() string {
	msg := ""
	if e.errno < uintptr(len(errnoText)) {
		msg = errnoText[e.errno]
	}
	if msg == "" {
		msg = "errno " + itoa(int64(e.errno))
	}
	return e.op + " " + e.path + ": " + msg
}

// cString returns s NUL-terminated, on the heap (the pointer passed to
// the kernel must not move).
func cString(s string) *byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return &b[0]
}

//go:nosplit
func blockingSyscall(num, a1, a2, a3, a4, a5, a6 uintptr) (r1, errno uintptr) {
	entersyscall()
	r1, _, errno = rawSyscall6(num, a1, a2, a3, a4, a5, a6)
	exitsyscall()
	return r1, errno
}

func openFile(path string, flags int) (sysFile, error) {
	p := cString(path)
	for {
		fd, errno := blockingSyscall(sysOpenat, atFdcwd, uintptr(unsafe.Pointer(p)), uintptr(flags|oCloexec), 0o644, 0, 0)
		goruntime.KeepAlive(p) // the kernel reads it; blockingSyscall is not assembly
		if errno == eintr {
			continue
		}
		if errno != 0 {
			return -1, &sysError{"open", path, errno}
		}
		return sysFile(fd), nil
	}
}

// openAppend opens path for appending, creating it.
func openAppend(path string) (sysFile, error) { return openFile(path, oWronly|oCreat|oAppend) }

// writeAll writes b with as few write calls as the kernel allows (one,
// for a regular file opened to append); errors are dropped, as a report
// that cannot be written has nowhere else to go.
func writeAll(f sysFile, b []byte) {
	for len(b) > 0 {
		n, errno := blockingSyscall(sysWrite, uintptr(f), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), 0, 0, 0)
		goruntime.KeepAlive(b)
		if errno == eintr {
			continue
		}
		if errno == eagain {
			// A non-blocking descriptor (a pipe someone made so) that
			// is full: os would wait in the poller; yield and retry.
			goruntime.Gosched()
			continue
		}
		if errno != 0 || n == 0 {
			return
		}
		b = b[n:]
	}
}

func closeFile(f sysFile) { blockingSyscall(sysClose, uintptr(f), 0, 0, 0, 0, 0) }

// mkdirAll creates dir and its missing parents, as os.MkdirAll.
func mkdirAll(dir string) error {
	for len(dir) > 1 && dir[len(dir)-1] == '/' {
		dir = dir[:len(dir)-1]
	}
	mkdir := func() uintptr {
		p := cString(dir)
		_, errno := blockingSyscall(sysMkdirat, atFdcwd, uintptr(unsafe.Pointer(p)), 0o755, 0, 0, 0)
		goruntime.KeepAlive(p) // the kernel reads it; blockingSyscall is not assembly
		return errno
	}
	errno := mkdir()
	if parent := dirName(dir); errno == enoent && parent != dir {
		if err := mkdirAll(parent); err != nil {
			return err
		}
		errno = mkdir()
	}
	if errno == 0 || errno == eexist {
		return nil
	}
	return &sysError{"mkdir", dir, errno}
}

// mapFile creates path (truncating it) with size bytes and maps it
// shared, read-write. The mapping outlives the descriptor.
func mapFile(path string, size int) ([]byte, error) {
	f, err := openFile(path, oRdwr|oCreat|oTrunc)
	if err != nil {
		return nil, err
	}
	defer closeFile(f)
	if _, errno := blockingSyscall(sysFtruncate, uintptr(f), uintptr(size), 0, 0, 0, 0); errno != 0 {
		return nil, &sysError{"truncate", path, errno}
	}
	addr, _, errno := rawSyscall6(sysMmap, 0, uintptr(size), protRead|protWrite, mapShared, uintptr(f), 0)
	if errno != 0 {
		return nil, &sysError{"mmap", path, errno}
	}
	return unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&addr))), size), nil
}

func getpid() int {
	pid, _, _ := rawSyscall6(sysGetpid, 0, 0, 0, 0, 0, 0)
	return int(pid)
}
