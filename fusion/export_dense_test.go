package fusion

// CPUTime is cpuTime for the external tests' benchmarks (dense_test.go).
var CPUTime = cpuTime
