#!/usr/bin/env bash
# Installs what building, testing and the demo need on Debian 12:
#   scripts/setup.sh system   the C libraries and tools from Debian's packages
#   scripts/setup.sh venv     the pinned Python test tools in .venv
# Each step does nothing when its work is already done.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
packages=(pkg-config libmicrohttpd-dev libcurl4-openssl-dev libssl-dev libsqlite3-dev libyaml-dev wrk python3-venv)

missing_packages() {
    local p
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
    done
}

setup_system() {
    local missing
    missing=$(missing_packages | tr '\n' ' ')
    [ -z "${missing// /}" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: missing Debian packages: $missing" >&2
        echo "fix: run as root: apt-get update && apt-get install -y $missing" >&2
        exit 1
    fi
    echo "installing Debian packages: $missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
}

setup_venv() {
    local stamp="$root/.venv/.requirements"
    if [ -f "$stamp" ] && cmp -s "$stamp" "$root/requirements-test.txt"; then
        return 0
    fi
    echo "creating .venv with the pinned test tools"
    python3 -m venv "$root/.venv"
    "$root/.venv/bin/pip" install -q --disable-pip-version-check -r "$root/requirements-test.txt"
    cp "$root/requirements-test.txt" "$stamp"
}

case "${1:-all}" in
    system) setup_system ;;
    venv) setup_venv ;;
    all) setup_system; setup_venv ;;
    *) echo "usage: scripts/setup.sh [system|venv|all]" >&2; exit 2 ;;
esac
