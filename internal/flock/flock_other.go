//go:build !unix

package flock

import "os"

// TryLock does not lock where flock is not to be had.
func TryLock(*os.File) (bool, error) { return true, nil }

// TryShared does not lock where flock is not to be had.
func TryShared(*os.File) (bool, error) { return true, nil }

// Unlock does nothing where TryLock does not lock.
func Unlock(*os.File) {}
