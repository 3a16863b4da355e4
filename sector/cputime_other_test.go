//go:build !unix

package sector_test

import "time"

var start = time.Now()

// cpuTime falls back to wall time where getrusage is not to be had.
func cpuTime() time.Duration { return time.Since(start) }
