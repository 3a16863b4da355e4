#!/usr/bin/env bash
# Benchmarks of the verifiable record: durable appends per second (batched),
# signed submissions per second, inclusion proofs in a tree of a million
# entries, and verification of a million-entry log from its bytes alone.
# Usage: bench/ledger.sh [flags of ledgerbench]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3)"
go run ./bench/ledgerbench "$@"
