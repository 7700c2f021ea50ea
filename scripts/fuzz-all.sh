#!/usr/bin/env bash
# Runs every Fuzz* target in the module for a short time each (default 10s).
set -euo pipefail
t=${1:-10s}
cd "$(dirname "$0")/.."
found=0
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for f in $(grep -l '^func Fuzz' "$dir"/*_test.go 2>/dev/null || true); do
    for name in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed 's/^func //'); do
      found=$((found + 1))
      echo "fuzz $pkg $name for $t"
      go test -run '^$' -fuzz "^${name}\$" -fuzztime "$t" "$pkg"
    done
  done
done
echo "fuzz: $found targets run"
