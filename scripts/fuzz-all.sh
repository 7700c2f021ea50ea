#!/usr/bin/env bash
# Runs every Fuzz* target in the module for a short time each (default 10s).
#
# `go test -fuzz` takes one target per invocation and links a fresh instrumented test binary each
# time, so a package's targets share one binary here: `go test -c -fuzz` builds it once (with the
# same coverage instrumentation) and each target runs from the package's directory, where its
# testdata/fuzz corpus is, with the go command's own corpus cache.
set -euo pipefail
t=${1:-10s}
cd "$(dirname "$0")/.."
bindir=$(mktemp -d "${TMPDIR:-/tmp}/totto-fuzz.XXXXXX")
trap 'rm -rf "$bindir"' EXIT
cache=$(go env GOCACHE)/fuzz
found=0
while read -r pkg dir; do
  names=$(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' || true)
  [ -n "$names" ] || continue
  bin=$bindir/$(basename "$dir").$found.test
  go test -c -fuzz . -o "$bin" "$pkg"
  for name in $names; do
    found=$((found + 1))
    echo "fuzz $pkg $name for $t"
    run() { (cd "$dir" && "$bin" -test.run '^$' -test.fuzz "^${name}\$" -test.fuzztime "$t" \
      -test.fuzzcachedir "$cache/$pkg" -test.paniconexit0 2>&1); }
    # Go's fuzzing engine can end a run with a bare "context deadline exceeded" when the time is
    # up while a worker is still minimising an input; that run found nothing, so it is run once
    # more. A real failure writes its input under testdata/fuzz and fails as usual.
    if ! out=$(run); then
      echo "$out"
      if grep -q 'context deadline exceeded' <<<"$out" && ! grep -q 'Failing input written' <<<"$out"; then
        echo "fuzz $pkg $name: the engine timed out without a finding; running it once more"
        run
      else
        exit 1
      fi
    else
      echo "$out" | tail -n 2
    fi
  done
done < <(go list -f '{{.ImportPath}} {{.Dir}}' ./...)
echo "fuzz: $found targets run"
