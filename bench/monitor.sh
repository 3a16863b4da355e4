#!/usr/bin/env bash
# Benchmarks of the monitoring pipeline on the reference agreement: the
# kernel against the naive scans and S2's polygon tests, the pipeline's
# throughput, and its latency at a fixed rate. Ratios are printed against
# peers run in the same process. Usage: bench/monitor.sh [flags of monitorbench]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3)"
go run ./bench/monitorbench "$@"
echo
echo "fusion alone, one core (a simulated day, 2,000 events an hour):"
GOMAXPROCS=1 go test ./fusion -run '^$' -bench FuseSimulatedDay -benchtime 2x | grep -E 'Benchmark'
echo
echo "kernel peers in go test (reference geometry):"
GOMAXPROCS=1 go test ./geo -run '^$' -bench 'Reference' -benchtime 2s | grep -E 'Benchmark'
