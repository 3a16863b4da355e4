package fsync

import (
	"os"
	"syscall"
	_ "unsafe" // go:linkname
)

// The runtime's entry to a system call known to block, and its exit. The
// runtime marks both for linkname (go.dev/issue/67401) and keeps their
// signatures.
//
//go:linkname entersyscallblock runtime.entersyscallblock
func entersyscallblock()

//go:linkname exitsyscall runtime.exitsyscall
func exitsyscall()

// File flushes f's data and metadata to its device (fsync(2)), as f.Sync
// does, with the same errors, handing the goroutine's P back to the
// scheduler while the device works.
func File(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return f.Sync() // a nil or closed file: Sync's own error
	}
	var errno syscall.Errno
	// Control keeps the descriptor from being closed during the call.
	if err := rc.Control(func(fd uintptr) {
		for {
			if errno = fsyncBlocking(fd); errno != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return f.Sync() // closed meanwhile: Sync's own error
	}
	if errno != 0 {
		return &os.PathError{Op: "sync", Path: f.Name(), Err: errno}
	}
	return nil
}

// fsyncBlocking is fsync(2) between entersyscallblock and exitsyscall, as
// syscall.Syscall is between entersyscall and exitsyscall: nothing in
// between may grow the stack or be instrumented by the race detector.
//
//go:nosplit
//go:norace
func fsyncBlocking(fd uintptr) syscall.Errno {
	entersyscallblock()
	_, _, errno := syscall.RawSyscall6(syscall.SYS_FSYNC, fd, 0, 0, 0, 0, 0)
	exitsyscall()
	return errno
}
