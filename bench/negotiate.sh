#!/usr/bin/env bash
# Benchmarks of the negotiation engine: exact solutions of a 20 × 5 × 6
# scenario, branch and bound against brute force on a 10-issue case (the
# ratio is the "speedup" column), counts and the 12 × 5 × 7 Pareto frontier.
# Usage: bench/negotiate.sh [-count N]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3)"
GOMAXPROCS=1 go test ./negotiate -run '^$' -bench . -benchtime 5x "$@"
