//go:build !unix

package cputime

import "time"

var start = time.Now()

// Used falls back to the wall time since the process started where
// getrusage is not to be had.
func Used() time.Duration { return time.Since(start) }
