#!/usr/bin/env bash
# Runs the daemon against a local AWS emulator (moto) with the walkthrough's jobs firing
# every few seconds, and shows the tasks they start until Ctrl-C. `make demo` builds first.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
binary=.build/debug/ecs-scheduler
python=.venv/bin/python
cluster=demo-cluster
work=$(mktemp -d)
moto_pid=""
daemon_pid=""

cleanup() {
    echo
    echo "stopping the daemon and moto"
    [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
    [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null && wait "$moto_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

for needed in "$binary" "$python" .venv/bin/moto_server; do
    if [ ! -x "$needed" ]; then
        echo "error: $needed is missing; run \`make demo\`, which builds and installs it" >&2
        exit 1
    fi
done

free_port() {
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
api_port=$(free_port)
api="http://127.0.0.1:$api_port"
echo "starting moto (the AWS emulator) on 127.0.0.1:$port"
.venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.2
done

export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
"$python" scripts/demo_setup.py setup "$cluster"

mkdir -p data
echo "starting ecs-scheduler (REST API on $api, jobs in ./data/jobs.db, log level INFO)"
ECSS_ECS_CLUSTER="$cluster" ECSS_LOG_LEVEL=INFO ECSS_HOST=127.0.0.1 ECSS_PORT="$api_port" \
    ECSS_SQLITE_FILE=./data/jobs.db "$binary" &
daemon_pid=$!
for _ in $(seq 100); do
    curl -s -o /dev/null "$api/" && break
    if ! kill -0 "$daemon_pid" 2>/dev/null; then
        echo "error: ecs-scheduler exited during start-up; its log is above" >&2
        exit 1
    fi
    sleep 0.2
done

request() {
    local method=$1 path=$2 body=${3:-}
    echo "$method $path $body"
    if [ -n "$body" ]; then
        curl -s -X "$method" -H 'Content-Type: application/json' -d "$body" "$api$path"
    else
        curl -s -X "$method" "$api$path"
    fi
    echo
}

# Creates a job unless ./data/jobs.db kept it from an earlier run of the demo.
create_job() {
    local id=$1 body=$2
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$api/jobs/$id")" = 200 ]; then
        echo "job $id is kept from an earlier run (in ./data/jobs.db)"
    else
        request POST /jobs "$body"
    fi
}

echo "creating the example jobs (firing every 5, 7 and 3 seconds) unless they are stored already"
create_job sleeper-task '{"taskDefinition": "sleeper-task", "schedule": "*/5"}'
create_job long-sleep-task '{"taskDefinition": "sleeper-task", "id": "long-sleep-task", "schedule": "*/7", "overrides": [{"containerName": "sleeper-container", "environment": {"SLEEP_SECONDS": "10"}}]}'
create_job consumer-task '{"taskDefinition": "consumer-task", "schedule": "*/3", "trigger": {"type": "sqs", "queueName": "consumer-task-queue", "messagesPerTask": 100}}'
request PUT /jobs/consumer-task '{"maxCount": 10}'
"$python" scripts/demo_setup.py send-messages consumer-task-queue 250

echo "watching; press Ctrl-C to stop"
while true; do
    sleep 15
    echo "--- jobs at $(date +%H:%M:%S)"
    "$python" scripts/demo_setup.py show-jobs "$api"
    "$python" scripts/demo_setup.py stop-tasks "$cluster"
done
