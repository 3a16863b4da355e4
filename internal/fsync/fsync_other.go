//go:build !linux

package fsync

import "os"

// File flushes f to its device: f.Sync.
func File(f *os.File) error { return f.Sync() }
