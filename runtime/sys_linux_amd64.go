package runtime

// Linux system call numbers (syscall/zsysnum_linux_amd64.go).
const (
	sysWrite     = 1
	sysClose     = 3
	sysMmap      = 9
	sysGetpid    = 39
	sysFtruncate = 77
	sysOpenat    = 257
	sysMkdirat   = 258
)
