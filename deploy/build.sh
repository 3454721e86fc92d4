#!/usr/bin/env bash
# Configures and builds the project (release with debug info) into BUILD_DIR
# (default build/, relative to the repository root), with JOBS parallel jobs
# (default 2: the gRPC headers make compiler processes large).
#
#   build.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" -j "${JOBS:-2}"
