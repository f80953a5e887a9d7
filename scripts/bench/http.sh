#!/usr/bin/env bash
# REST API throughput with wrk on this machine, keep-alive connections:
#   1. GET /jobs/{id} with 1,000 jobs loaded (in-memory store), 64 connections;
#   2. the same load on a bare C libmicrohttpd server with a constant body
#      (Benchmarks/http/constant_server.c), and the ratio of the two;
#   3. POST /jobs + DELETE /jobs/{id} pairs, one connection per wrk thread.
# Uses $ECSS_BUILD_DIR/ecs-scheduler (a release build); needs wrk, cc, curl and python3.
# Environment: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 64).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${ECSS_BUILD_DIR:-$root/.build/release}
binary="$build_dir/ecs-scheduler"
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-64}
threads=$(nproc)
# shellcheck source=scripts/lib/bench-common.sh
. "$root/scripts/lib/bench-common.sh"
require_tools wrk cc curl python3
[ -x "$binary" ] || { echo "error: $binary not found; run swift build -c release" >&2; exit 1; }


wait_for_port() {
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
        sleep 0.1
    done
    echo "error: no server responds on port $1" >&2
    exit 1
}

# Prints "requests/s p99" from wrk --latency output.
summarise() {
    awk '/Requests\/sec/ {rps = $2} /^ +99%/ {p99 = $2} /Non-2xx/ {bad = $5}
         END {printf "%s requests/s, p99 %s%s\n", rps, p99, bad ? ", non-2xx responses: " bad : ""}' "$1"
}

# The daemon, with 1,000 jobs loaded. AWS calls go to a closed loopback port, and the jobs
# first fire in 2099, so the scheduler stays idle and nothing leaves the machine.
port=$(free_port)
ECSS_ECS_CLUSTER=bench ECSS_PORT=$port ECSS_LOG_LEVEL=ERROR \
    AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench \
    AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_EC2_METADATA_DISABLED=true \
    "$binary" 2>"$work/daemon.log" &
pids+=($!)
wait_for_port "$port"
python3 - "$port" <<'PYTHON'
import http.client, json, sys
connection = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
for n in range(1000):
    body = json.dumps({"taskDefinition": f"bench-job-{n:04d}", "schedule": "0 0 0 * * * * 2099"})
    connection.request("POST", "/jobs", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    if response.status != 201:
        sys.exit(f"loading job {n} failed with status {response.status}")
PYTHON

# The bare C server.
cc -O2 "$root/Benchmarks/http/constant_server.c" -lmicrohttpd -lpthread -o "$work/constant_server"
constant_port=$(free_port)
"$work/constant_server" "$constant_port" "$threads" &
pids+=($!)
wait_for_port "$constant_port"

echo "machine: $threads cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run (other processes compete for the cores); wrk -t$threads -c$connections -d${seconds}s, keep-alive"
wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$root/Benchmarks/http/get-job.lua" \
    "http://127.0.0.1:$port" >"$work/get.txt"
wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$root/Benchmarks/http/get-job.lua" \
    "http://127.0.0.1:$constant_port" >"$work/constant.txt"
echo "GET /jobs/{id}, 1,000 jobs:      $(summarise "$work/get.txt")"
echo "bare libmicrohttpd, constant body: $(summarise "$work/constant.txt")"
awk '/Requests\/sec/ {print $2}' "$work/get.txt" "$work/constant.txt" | paste -sd' ' |
    awk '{printf "ratio ecs-scheduler / bare server: %.2f\n", $1 / $2}'

pair_threads=4
wrk -t"$pair_threads" -c"$pair_threads" -d"${seconds}s" --latency -s "$root/Benchmarks/http/create-delete.lua" \
    "http://127.0.0.1:$port" >"$work/pairs.txt"
rps=$(awk '/Requests\/sec/ {print $2}' "$work/pairs.txt")
echo "POST+DELETE pairs, in-memory store, $pair_threads connections: $(awk -v r="$rps" 'BEGIN {printf "%.0f", r / 2}') pairs/s ($(summarise "$work/pairs.txt"))"
