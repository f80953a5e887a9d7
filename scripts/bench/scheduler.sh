#!/usr/bin/env bash
# Scheduler speed and memory, each figure beside its target:
#   - jobs due in the same second (100, 1,000, 10,000), fired over HTTP to a local fake ECS
#     endpoint that answers at once: RunTask calls received and their lateness after the
#     scheduled second;
#   - CPU per fire with an in-process ECS (no HTTP);
#   - resident memory with 100,000 and 1,000,000 jobs loaded (registry, in-memory store and
#     scheduler);
#   - CPU while idle with 10,000 jobs, none due.
# Each scenario runs in a process of its own. ECSS_BUILD_DIR is the release build folder
# (scripts/bench.sh sets it); build with `swift build -c release --product SchedulerBench`.
set -euo pipefail

build_dir=${ECSS_BUILD_DIR:-"$(cd "$(dirname "$0")/../.." && pwd)/.build/release"}
bench="$build_dir/SchedulerBench"
if [ ! -x "$bench" ]; then
    echo "error: $bench not found; build it with: swift build -c release --product SchedulerBench" >&2
    exit 1
fi

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" lateness 100
"$bench" lateness 1000
"$bench" lateness 10000
"$bench" cpu 10000
"$bench" memory 100000
"$bench" memory 1000000
"$bench" idle 10000
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
