#!/usr/bin/env bash
# Benchmark pprofdiff vs gzip -dc and go tool pprof. See bench/README.md.
# Usage: bench/run.sh [OPTIONS] [BASE CUR]   (bench/run.sh -h for options)
set -euo pipefail
exec python3 "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/bench.py" "$@"
