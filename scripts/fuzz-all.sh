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
      # Go's fuzzing engine can end a run with a bare "context deadline exceeded" when the time is
      # up while a worker is still minimising an input; that run found nothing, so it is run once
      # more. A real failure writes its input under testdata/fuzz and fails as usual.
      if ! out=$(go test -run '^$' -fuzz "^${name}\$" -fuzztime "$t" "$pkg" 2>&1); then
        echo "$out"
        if grep -q 'context deadline exceeded' <<<"$out" && ! grep -q 'Failing input written' <<<"$out"; then
          echo "fuzz $pkg $name: the engine timed out without a finding; running it once more"
          go test -run '^$' -fuzz "^${name}\$" -fuzztime "$t" "$pkg"
        else
          exit 1
        fi
      else
        echo "$out" | tail -n 2
      fi
    done
  done
done
echo "fuzz: $found targets run"
