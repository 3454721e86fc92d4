#!/usr/bin/env bash
# The alert rules and the example Prometheus configuration, checked and
# unit-tested with promtool (Debian's prometheus package, which
# deploy/install-deps.sh --test installs). A missing promtool fails the test:
# skipping would let broken rules pass.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v promtool >/dev/null; then
  echo "promtool is missing: install Debian's prometheus package (bash deploy/install-deps.sh --test)" >&2
  exit 1
fi
promtool check rules "$repo/deploy/prometheus/satisfaction-rules.yml"
# Also checks the rule files the configuration loads; the targets need not exist.
promtool check config "$repo/deploy/prometheus/prometheus.example.yml"
promtool test rules "$repo/tests/prometheus/satisfaction-rules.test.yml"
