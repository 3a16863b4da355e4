#!/usr/bin/env bash
# Forecasts per second on 50 actors × 5 dimensions: KTAB's SMP (10 turns)
# and the expected-utility model (8 rounds), on one thread and on all cores,
# with the ratio all cores / one thread (wall clock) and the CPU time per
# forecast (all threads).
# Usage: bench/forecast.sh [-benchtime 20x] [-count 3]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3), load $(cut -d' ' -f1-3 /proc/loadavg)"
go test ./forecast -run '^$' -bench '^Benchmark(SMP|EU)$' -benchtime 20x "$@" | tee /dev/stderr |
	awk '/forecasts\/s/ {
		split($1, p, "/"); model = p[1]; sub("Benchmark", "", model)
		w = p[3]; sub("workers=", "", w); sub("-[0-9]+$", "", w)
		for (i = 2; i <= NF; i++) {
			if ($(i+1) == "forecasts/s") rate = $i
			if ($(i+1) == "cpu-ms/op") cpu = $i
		}
		sum[model, w] += rate; cpus[model, w] += cpu; n[model, w]++
		if (w != 1) many[model] = w
	}
	END {
		for (m in many) {
			one = sum[m, 1] / n[m, 1]; all = sum[m, many[m]] / n[m, many[m]]
			printf "%s 50x5: %.2f forecasts/s on one thread (%.1f CPU ms each), %.2f on %s (%.1f CPU ms each), ratio %.2f\n", m, one, cpus[m, 1] / n[m, 1], all, many[m], cpus[m, many[m]] / n[m, many[m]], all / one
		}
	}'
