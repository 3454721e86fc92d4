#!/usr/bin/env bash
# Installs, from Debian 12's packages, whatever the project needs and the
# machine lacks. With --test, also what the tests need (MariaDB server and
# Galera, the Python gRPC client, Prometheus). Installs nothing, and needs no
# root, when everything is there.
#
#   install-deps.sh [--test]
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libsoci-dev libboost-dev libmariadb-dev libsqlite3-dev libabsl-dev libssl-dev
  libspdlog-dev prometheus-cpp-dev libphonenumber-dev libkainjow-mustache-dev googletest libgtest-dev libgmock-dev tzdata
  openssl
)
# Debian's own python3 (/usr/bin/python3): a pyenv python3 on PATH lacks these
# modules. mariadb-private.sh also uses it to pick a free port. The survey
# page's browser test drives Debian's chromium through chromium-driver, with a
# Chinese font so that Chinese pages are laid out as phones show them.
# galera-private.sh's cluster needs the Galera provider (galera-4) and
# mariabackup (mariadb-backup), which copies the data to a joining node: the
# default rsync copy fails when the servers run as root. prometheus brings
# promtool, which checks and unit-tests the alert rules, and the Prometheus
# server for an end-to-end scrape test; Debian's package also enables a
# prometheus service on port 9090, which no test uses. python3-scipy computes
# the reference values of the statistical tests' tests.
test_packages=(mariadb-server mariadb-client python3 python3-grpcio python3-protobuf grpc-proto
  chromium chromium-driver python3-selenium fonts-wqy-microhei galera-4 mariadb-backup prometheus curl python3-scipy)

packages=("${build_packages[@]}")
case "${1:-}" in
  "") ;;
  --test) packages+=("${test_packages[@]}") ;;
  *) echo "usage: $0 [--test]" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

# env passes the setting through sudo, which would otherwise drop it.
apt=(env DEBIAN_FRONTEND=noninteractive apt-get)
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "install-deps: root (or sudo) is needed to install: ${missing[*]}" >&2
    exit 1
  fi
  apt=(sudo "${apt[@]}")
fi
echo "install-deps: installing ${missing[*]}" >&2
"${apt[@]}" update -qq >&2
"${apt[@]}" install -y -qq "${missing[@]}" >&2
