#!/usr/bin/env bash
# The server under attack, repeatable: hostile bodies on every route (each
# on a fresh server, restarted after it), 20 kills with SIGKILL under load
# with every acknowledged observation checked and the ledger verified after
# each, 500 slow SSE clients, an idle and a slow-body connection, and the
# restart time of a 200,000-observation store. Prints the figures that
# docs/threat-model.md records; exits 1 if a probe fails.
# Usage: bench/reliability.sh [-kills N] [-slow N] [-restart-obs N] [-only hostile,kills,slow,restart]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3)"
go run ./bench/reliability "$@"
