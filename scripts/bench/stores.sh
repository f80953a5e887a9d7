#!/usr/bin/env bash
# SQLite store speed, in two layers:
#   1. the plugin alone (libecss-store-sqlite.so driven through its hooks from Python
#      ctypes): job creations per second on one thread, and on_load_all over 100,000 jobs;
#   2. the daemon with ECSS_SQLITE_FILE: job creations per second through POST /jobs
#      (wrk, target >= 2,000/s), and the time from start until the API responds with
#      100,000 stored jobs (target < 2 s).
# Uses $ECSS_BUILD_DIR (a release build: ecs-scheduler and the plugin libraries); needs wrk,
# curl and python3. Layer 2 is skipped, with a line saying why, while the daemon cannot open
# store plugins. Environment: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 16).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${ECSS_BUILD_DIR:-$root/.build/release}
binary="$build_dir/ecs-scheduler"
plugin="$build_dir/libecss-store-sqlite.so"
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-16}
threads=$(nproc)
stored_jobs=100000
# shellcheck source=scripts/lib/bench-common.sh
. "$root/scripts/lib/bench-common.sh"
require_tools wrk curl python3
[ -f "$plugin" ] || { echo "error: $plugin not found; run swift build -c release" >&2; exit 1; }


# Writes $2 jobs into the SQLite file $1 as the original Python tool did (its table
# statement and json.dumps(data, sort_keys=True)).
write_jobs() {
    python3 - "$1" "$2" <<'PYTHON'
import json, sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
connection.execute("CREATE TABLE IF NOT EXISTS jobs(id TEXT PRIMARY KEY NOT NULL, data JSONTEXT NOT NULL)")
# A schedule that first fires on 1 January 2099, so no job fires during the benchmark.
rows = ((f"stored-{n:06d}", json.dumps({"schedule": "0 0 0 * * 1 1 2099", "taskCount": 1,
                                        "taskDefinition": f"stored-{n:06d}"}, sort_keys=True))
        for n in range(int(sys.argv[2])))
connection.executemany("INSERT INTO jobs VALUES (?, ?)", rows)
connection.commit()
connection.close()
PYTHON
}

echo "machine: $threads cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run (other processes compete for the cores)"

# ---- 1. the plugin alone ----
write_jobs "$work/load.db" "$stored_jobs"
python3 - "$plugin" "$work/create.db" "$work/load.db" "$stored_jobs" <<'PYTHON'
import ctypes, json, sys, time

plugin_path, create_file, load_file, stored_jobs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
libc.strdup.restype = ctypes.c_void_p
libc.strdup.argtypes = [ctypes.c_char_p]

Status = ctypes.c_int
ErrorOut = ctypes.POINTER(ctypes.c_void_p)
LogFunction = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p)
ConfigGet = ctypes.CFUNCTYPE(Status, ctypes.c_void_p, ctypes.c_char_p, ErrorOut)
JSONGet = ctypes.CFUNCTYPE(Status, ctypes.c_char_p, ctypes.c_char_p, ErrorOut)
Visitor = ctypes.CFUNCTYPE(Status, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p)

class HostAPI(ctypes.Structure):
    # ecss_host_api of ecss_plugin.h, version 1.0.
    _fields_ = [("struct_size", ctypes.c_uint32), ("abi_major", ctypes.c_uint16), ("abi_minor", ctypes.c_uint16),
                ("host_alloc", ctypes.c_void_p), ("host_free", ctypes.c_void_p), ("host_log", LogFunction),
                ("host_config_get", ConfigGet), ("host_aws_request", ctypes.c_void_p),
                ("host_http_request", ctypes.c_void_p), ("host_response_free", ctypes.c_void_p),
                ("host_json_get", JSONGet)]

class StoreHooks(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_uint32),
                ("on_open", ctypes.CFUNCTYPE(Status, ctypes.POINTER(HostAPI), ctypes.c_void_p, ctypes.c_char_p,
                                             ctypes.POINTER(ctypes.c_void_p), ErrorOut)),
                ("on_load_all", ctypes.CFUNCTYPE(Status, ctypes.c_void_p, Visitor, ctypes.c_void_p, ErrorOut)),
                ("on_get", ctypes.c_void_p),
                ("on_create", ctypes.CFUNCTYPE(Status, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ErrorOut)),
                ("on_update", ctypes.c_void_p), ("on_delete", ctypes.c_void_p),
                ("on_close", ctypes.CFUNCTYPE(None, ctypes.c_void_p))]

class Descriptor(ctypes.Structure):
    _fields_ = [("magic", ctypes.c_uint32), ("struct_size", ctypes.c_uint32), ("abi_major", ctypes.c_uint16),
                ("abi_minor", ctypes.c_uint16), ("kind", ctypes.c_uint32), ("type_name", ctypes.c_char_p),
                ("plugin_version", ctypes.c_char_p), ("description", ctypes.c_char_p),
                ("trigger", ctypes.c_void_p), ("store", ctypes.POINTER(StoreHooks))]

def json_get(text, key, value_out):
    try:
        value = json.loads(text).get(key.decode())
    except ValueError:
        return 5
    if value is None:
        return 3
    value_out[0] = libc.strdup(str(value).encode())
    return 0

callbacks = (LogFunction(lambda handle, level, job_id, message: None),
             ConfigGet(lambda handle, key, value_out: 3), JSONGet(json_get))
host = HostAPI(ctypes.sizeof(HostAPI), 1, 0, ctypes.cast(libc.malloc, ctypes.c_void_p).value,
               ctypes.cast(libc.free, ctypes.c_void_p).value, callbacks[0], callbacks[1], None, None, None,
               callbacks[2])
library = ctypes.CDLL(plugin_path)
library.ecss_plugin_entry.restype = ctypes.POINTER(Descriptor)
hooks = library.ecss_plugin_entry().contents.store.contents

def open_store(path):
    store, error = ctypes.c_void_p(), ctypes.c_void_p()
    status = hooks.on_open(ctypes.byref(host), None, json.dumps({"file": path}).encode(), ctypes.byref(store),
                           ctypes.byref(error))
    if status != 0:
        sys.exit(f"on_open of {path} failed with status {status}")
    return store

store = open_store(create_file)
count = 20000
body = json.dumps({"schedule": "0 */5", "taskCount": 1, "taskDefinition": "bench"}).encode()
error = ctypes.c_void_p()
started = time.perf_counter()
for n in range(count):
    if hooks.on_create(store, f"created-{n:06d}".encode(), body, ctypes.byref(error)) != 0:
        sys.exit(f"on_create of job {n} failed")
elapsed = time.perf_counter() - started
hooks.on_close(store)
print(f"plugin on_create, one thread, {count:,} jobs: {count / elapsed:,.0f} jobs/s (Python ctypes calls included)")

store = open_store(load_file)
visited = 0
def visit(context, job_id, job_json):
    global visited
    visited += 1
    return 0
visitor = Visitor(visit)
started = time.perf_counter()
status = hooks.on_load_all(store, visitor, None, ctypes.byref(error))
elapsed = time.perf_counter() - started
hooks.on_close(store)
if status != 0 or visited != stored_jobs:
    sys.exit(f"on_load_all returned status {status} after {visited} jobs")
print(f"plugin on_load_all, {stored_jobs:,} jobs: {elapsed:.3f} s (Python visitor included)")
PYTHON

# ---- 2. the daemon ----
[ -x "$binary" ] || { echo "daemon: skipped, $binary not found; run swift build -c release"; exit 0; }
# AWS settings keep every AWS call on loopback (port 9 refuses at once), though no job fires.
start_daemon() {  # $1: SQLite file, $2: port; sets daemon_pid
    ECSS_ECS_CLUSTER=bench ECSS_PORT=$2 ECSS_LOG_LEVEL=ERROR ECSS_SQLITE_FILE=$1 \
        AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench \
        AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_EC2_METADATA_DISABLED=true \
        "$binary" 2>>"$work/daemon.log" &
    daemon_pid=$!
    pids+=("$daemon_pid")
}

# Starts the daemon on a new port and sets `startup` to the seconds until GET / responds, or
# to "failed" when the daemon exits first.
time_to_answer() {  # $1: SQLite file
    local started
    port=$(free_port)
    started=$(date +%s.%N)
    start_daemon "$1" "$port"
    while ! curl -s -o /dev/null "http://127.0.0.1:$port/"; do
        if ! kill -0 "$daemon_pid" 2>/dev/null; then
            startup=failed
            return
        fi
        sleep 0.01
    done
    startup=$(echo "$(date +%s.%N) $started" | awk '{printf "%.2f", $1 - $2}')
}

time_to_answer "$work/daemon.db"
if [ "$startup" = failed ]; then
    echo "daemon: skipped, the daemon did not start with ECSS_SQLITE_FILE: $(tail -n 1 "$work/daemon.log")"
    exit 0
fi

cat >"$work/create.lua" <<'LUA'
-- Unique job ids per wrk thread: thread number, then a counter.
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("thread_number", threads)
end
local counter = 0
function request()
    counter = counter + 1
    local body = string.format('{"taskDefinition": "bench", "id": "bench-%d-%d", "schedule": "0 0 0 * * 1 1 2099"}',
                               thread_number, counter)
    return wrk.format("POST", "/jobs", {["Content-Type"] = "application/json"}, body)
end
LUA
wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$work/create.lua" "http://127.0.0.1:$port" >"$work/create.txt"
stored=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM jobs").fetchone()[0])' "$work/daemon.db")
awk -v stored="$stored" -v seconds="$seconds" '/Requests\/sec/ {rps = $2} /^ +99%/ {p99 = $2} /Non-2xx/ {bad = $5}
    END {printf "daemon POST /jobs, SQLite store: %s requests/s, p99 %s, %d jobs stored (%.0f/s)%s; target >= 2,000/s\n",
         rps, p99, stored, stored / seconds, bad ? ", non-2xx responses: " bad : ""}' "$work/create.txt"

kill "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
write_jobs "$work/startup.db" "$stored_jobs"
time_to_answer "$work/startup.db"
echo "daemon start-up with $stored_jobs stored jobs until GET / responds: $startup s; target < 2 s"
