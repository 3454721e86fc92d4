#!/usr/bin/env bash
# Installs, from Debian 12's packages, whatever the project needs and the
# machine lacks. With --test, also what the tests need (MariaDB server, the
# Python gRPC client). Installs nothing when everything is there.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libsoci-dev libboost-dev libmariadb-dev libsqlite3-dev libabsl-dev libssl-dev
  libspdlog-dev libcpp-httplib-dev libphonenumber-dev googletest libgtest-dev libgmock-dev tzdata
)
test_packages=(mariadb-server mariadb-client python3 python3-grpcio python3-protobuf grpc-proto)

packages=("${build_packages[@]}")
[ "${1:-}" = "--test" ] && packages+=("${test_packages[@]}")

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${missing[@]}" >&2
