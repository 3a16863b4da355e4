package fusion

// CPUTime is cpuTime for the external tests' benchmarks (dense_test.go).
var CPUTime = cpuTime

// Merges is how many incidents revision merged (tests).
func (e *Engine) Merges() int { return e.nMerged }

// ReviseBudget lets the measurements switch revision off.
var ReviseBudget = &reviseBudget
