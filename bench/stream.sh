#!/usr/bin/env bash
# Growth of ingestion over JetStream (issue 18, item 5): 1, 2, 3 JetStream
# nodes (an in-process cluster on loopback, ACCORD_OBS replicated
# min(3, nodes) times) × 1–4 sector workers; per cell throughput, CPU
# seconds per observation (getrusage of the process: servers, publishers,
# workers) and receipt-to-consumed latency at a fixed rate, and the
# efficiency per added worker. The failure tests (kill a node under load,
# cut a regional node off) are `go test ./stream -run TestFailure -v`.
# Usage: bench/stream.sh [flags of streambench, e.g. -count 3]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3), load average $(cut -d' ' -f1-3 /proc/loadavg)"
go run ./bench/streambench "$@"
