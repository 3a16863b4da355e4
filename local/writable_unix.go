//go:build unix

package local

import "golang.org/x/sys/unix"

// CanWrite says whether this process may make and remove files in the
// directory dir, as its effective user and groups (faccessat with
// AT_EACCESS: write and search permission, a read-only file system
// refused), without writing anything there: nil when it may, else why
// not ('accord config check'). Root may write in a directory whatever its
// mode, and is told so.
func CanWrite(dir string) error {
	return unix.Faccessat(unix.AT_FDCWD, dir, unix.W_OK|unix.X_OK, unix.AT_EACCESS)
}
