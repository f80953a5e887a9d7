#!/usr/bin/env bash
# Copies a release build into one folder that can be copied to a Linux host:
#   DIST/ecs-scheduler         the daemon
#   DIST/plugins/libecss-*.so  the first-party plugins (found there by the daemon)
#   DIST/lib/                  the Swift runtime libraries the daemon and plugins link
# The host still needs the Debian libraries: libmicrohttpd12, libcurl4, libssl3,
# libsqlite3-0 and libyaml-0-2.
# Usage: scripts/package.sh BUILD_DIR DIST
set -euo pipefail

build=${1:?usage: scripts/package.sh BUILD_DIR DIST}
dist=${2:?usage: scripts/package.sh BUILD_DIR DIST}
swift_lib=$(dirname "$(dirname "$(command -v swift)")")/lib/swift/linux

rm -rf "$dist"
mkdir -p "$dist/plugins" "$dist/lib"
cp "$build/ecs-scheduler" "$dist/"
cp "$build"/libecss-*.so "$dist/plugins/"

# Every library a binary loads from the Swift toolchain goes to lib/. The binaries are built
# without the toolchain's run path, so ldd is pointed at the toolchain to resolve them.
for binary in "$dist/ecs-scheduler" "$dist"/plugins/*.so; do
    LD_LIBRARY_PATH="$swift_lib" ldd "$binary" | awk -v dir="$swift_lib" 'index($3, dir) == 1 { print $3 }'
done | sort -u | while read -r library; do
    cp "$library" "$dist/lib/"
done

echo "packaged into $dist/: ecs-scheduler, $(ls "$dist/plugins" | wc -l) plugins, $(ls "$dist/lib" | wc -l) runtime libraries"
