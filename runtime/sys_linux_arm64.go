package runtime

// Linux system call numbers (syscall/zsysnum_linux_arm64.go).
const (
	sysMkdirat   = 34
	sysFtruncate = 46
	sysOpenat    = 56
	sysClose     = 57
	sysWrite     = 64
	sysGetpid    = 172
	sysMmap      = 222
)
