# Shared by the benchmarks in scripts/bench/: sourced, not run.
#   require_tools TOOL...   stop with the set-up command when a tool is missing
#   work, pids              a temporary folder and the processes to stop at exit
#   free_port               print a free TCP port on 127.0.0.1

require_tools() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "error: $tool not found; run scripts/setup.sh system" >&2; exit 1; }
    done
}

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
