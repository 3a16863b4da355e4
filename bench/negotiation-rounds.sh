#!/usr/bin/env bash
# Benchmarks of a negotiation round as the server runs it (issue 15,
# "Speed": all positions decrypted, next draft computed, views published):
# the mediator's bridge draft from all positions, the mediator's and every
# party's view as JSON, over a real ledger and SQLite store; warm (the
# mediation open) and cold (mediation.Open replaying the record, every
# position and answer decrypted with age, then the round). Each party's
# signed answer, submitted before the round, is timed on its own (answer
# p50 / p99). On the reference negotiation (budget 100 ms p99) and on
# accord generate --issues 20 --options 5 --parties 6 --seed 1 (budget
# 1 s p99). The peer, timed in the same iterations, is the analysis alone
# on the joined scenario (compile, bridge, evaluate); x-peer is the
# round's p50 over the peer's.
# Usage: bench/negotiation-rounds.sh [-benchtime Nx] [other go test flags]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
out=$(GOMAXPROCS=1 go test ./mediation -run '^$' -bench '^BenchmarkRound$' -benchtime 200x "$@")
echo "$out"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| round | p50 ms | p99 ms | CPU p50 / p99 ms | peer p50 ms | round / peer | budget (p99, wall) | budget (p99, CPU) | an answer p50 / p99 ms |"
echo "|---|---|---|---|---|---|---|---|---|"
echo "$out" | awk '/^BenchmarkRound\// {
	name = $1; sub(/^BenchmarkRound\//, "", name); sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i += 2) v[$(i+1)] = $i
	budget = (name ~ /^reference/) ? 100 : 1000
	met = (v["p99-ms"] <= budget) ? "met" : "MISSED"
	cpumet = (v["cpu-p99-ms"] <= budget) ? "met" : "MISSED"
	printf "| %s | %.1f | %.1f | %.1f / %.1f | %.2f | %.0f× | %d ms: %s | %s | %.1f / %.1f |\n", name, v["p50-ms"], v["p99-ms"], v["cpu-p50-ms"], v["cpu-p99-ms"], v["peer-p50-ms"], v["x-peer"], budget, met, cpumet, v["answer-p50-ms"], v["answer-p99-ms"]
}'
