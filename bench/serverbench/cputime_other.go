//go:build !unix

package main

import "time"

// cpuTime is not to be had here: the CPU per observation reads 0.
func cpuTime() time.Duration { return 0 }
