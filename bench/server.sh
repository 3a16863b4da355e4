#!/usr/bin/env bash
# Benchmarks of the mission server over HTTP on loopback with its durable
# stores (SQLite, the ledger), the pipeline and the agreement engine:
# sustained ingestion, and receipt-to-SSE latency at a fixed rate.
# Usage: bench/server.sh [flags of serverbench]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3)"
go run ./bench/serverbench "$@"
