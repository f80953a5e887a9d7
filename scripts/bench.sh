#!/usr/bin/env bash
# Runs every benchmark in scripts/bench/ against the release build, prints the figures and
# writes them, with the command and the machine, to docs/benchmarks.md.
# Usage: scripts/bench.sh [NAME ...]   (NAME: a file in scripts/bench/ without .sh)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=docs/benchmarks.md
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in scripts/bench/*.sh; do names+=("$(basename "$f" .sh)"); done
fi

machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), $(swift --version 2>&1 | head -1)"
sections=$(mktemp)
for name in "${names[@]}"; do
    echo "== $name"
    result=$(mktemp)
    ECSS_BUILD_DIR="$root/.build/release" "scripts/bench/$name.sh" | tee "$result"
    {
        echo "## $name"
        echo
        echo "Command: \`scripts/bench/$name.sh\` (run by \`make bench\`), $(date -u +%Y-%m-%d)."
        echo
        echo '```text'
        cat "$result"
        echo '```'
        echo
    } >> "$sections"
    rm -f "$result"
done

{
    echo "# Benchmarks"
    echo
    echo "Written by \`make bench\` (scripts/bench.sh). Machine: $machine."
    echo
    cat "$sections"
} > "$out"
rm -f "$sections"
echo "wrote $out"
