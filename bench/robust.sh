#!/usr/bin/env bash
# Monte Carlo runs per second of accord robust on the reference scenario
# with ten ranges (robust/testdata/ukraine-2025-ranges.yaml), with one
# worker and with one per core, and their ratio.
# Usage: bench/robust.sh [-count N] [-benchtime 5x]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3), load $(cut -d' ' -f1-3 /proc/loadavg)"
out=$(go test ./robust -run '^$' -bench 'Runs' -benchtime 5x "$@")
echo "$out" | grep Benchmark
echo "$out" | awk '/BenchmarkRuns\/workers=/ { split($1, a, "="); sub(/-[0-9]+$/, "", a[2]); r[a[2]] += $3; n[a[2]]++ }
END { one = r[1] / n[1]; for (w in r) if (w != 1) printf "ratio: %d workers / 1 worker = %.2f (%.0f vs %.0f runs/s)\n", w, (r[w] / n[w]) / one, r[w] / n[w], one }'
