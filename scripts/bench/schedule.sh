#!/usr/bin/env bash
# Schedule engine speed: next-fire computations per second for '0 */15' in UTC and for
# '0 30 9 mon-fri' in America/New_York, and schedules parsed per second, each on one core
# with its target beside it. ECSS_BUILD_DIR is the release build folder (scripts/bench.sh
# sets it); build the benchmark with `swift build -c release --product ScheduleBench`.
set -euo pipefail

build_dir=${ECSS_BUILD_DIR:-"$(cd "$(dirname "$0")/../.." && pwd)/.build/release"}
if [ ! -x "$build_dir/ScheduleBench" ]; then
    echo "error: $build_dir/ScheduleBench not found; build it with: swift build -c release --product ScheduleBench" >&2
    exit 1
fi
"$build_dir/ScheduleBench"
