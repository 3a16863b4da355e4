#!/usr/bin/env bash
# Benchmarks of the mission server over HTTP on loopback with its durable
# stores (SQLite, the ledger), the pipeline and the agreement engine:
# sustained ingestion, side by side in the same run with the peer a team
# would otherwise build (PostgreSQL + PostGIS receiving the same
# observations with COPY and classifying them in SQL; its classifications
# checked against the kernel's), and receipt-to-SSE latency at a fixed rate.
# Installs Debian's postgresql and postgis when absent (set NO_POSTGIS=1 to
# skip the peer). Usage: bench/server.sh [flags of serverbench]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3)"
peer=()
if [ -z "${NO_POSTGIS:-}" ]; then
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$pgbin" ] || ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
    echo "installing PostgreSQL and PostGIS from Debian's packages..."
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql postgis >/dev/null
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  peer=(-postgis "$pgbin")
fi
go run ./bench/serverbench "${peer[@]}" "$@"
