#!/usr/bin/env bash
# Prints the module's packages whose tests run on one goroutine: no package of the module linked
# into the test binary starts a goroutine (a `go` statement in its code, or in the tested
# package's tests), and the binary links none of the standard packages that call back into the
# caller's code from goroutines of their own (net/http, database/sql). A data race needs
# two goroutines, so the race detector can find nothing there and only slows their corpus sweeps
# about tenfold: `make test` runs these tests once without -race (`make single`), every other
# package under -race. A package that starts to use goroutines moves back to the race pass by
# itself. With --others it prints the rest of the module's packages instead.
set -euo pipefail
cd "$(dirname "$0")/.."
module=$(go list -m)
spawns='(^|[^A-Za-z0-9_.])go (func|[A-Za-z_][A-Za-z0-9_.]*\()'
declare -A busy tested single
busy[net/http]=1 busy[database/sql]=1
while IFS='|' read -r pkg dir code tests; do
  # shellcheck disable=SC2086 # file names without spaces
  if [ -n "$code" ] && (cd "$dir" && grep -qE "$spawns" $code); then busy[$pkg]=1; fi
  if [ -n "$tests" ]; then
    # shellcheck disable=SC2086
    if ! (cd "$dir" && grep -qE "$spawns" $tests); then tested[$pkg]=1; fi
  fi
done < <(go list -f '{{.ImportPath}}|{{.Dir}}|{{join .GoFiles " "}}|{{join .TestGoFiles " "}} {{join .XTestGoFiles " "}}' ./... | sed 's/| *$/|/')
# Each test binary ("pkg.test") with every package it links ("dep" or "dep [pkg.test]").
while IFS='|' read -r bin deps; do
  pkg=${bin%.test}
  [ -n "${tested[$pkg]:-}" ] || continue
  pure=1
  IFS=, read -ra list <<<"$deps"
  for dep in "${list[@]}"; do
    if [ -n "${busy[${dep%% *}]:-}" ]; then pure=0; break; fi
  done
  if [ $pure = 1 ]; then single[$pkg]=1; fi
done < <(go list -test -f '{{.ImportPath}}|{{join .Deps ","}}' ./... | grep -E '^[^ |]+\.test\|')
for pkg in $(go list ./...); do
  if [ -n "${single[$pkg]:-}" ]; then mine=single; else mine=--others; fi
  if [ "$mine" = "${1:-single}" ]; then echo "./${pkg#"$module"/}"; fi
done
