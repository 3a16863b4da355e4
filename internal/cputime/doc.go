// Package cputime reads the CPU time the process has used, for the
// benchmarks that report CPU per unit of work (steadier than the wall
// clock on a shared machine): one reading for every package's benchmarks.
package cputime
