#!/usr/bin/env bash
# Prints the arguments of one `go test` run of the tests that do more without -short: those that
# check testing.Short() themselves or through a helper of their package (one level, as the suite
# uses), as "-run ^(Name|…)$ ./pkg …". `make long` runs just those in full; every other test
# already ran once in the -race -short pass. A name shared by two of these packages runs in both,
# which costs time but never skips a check.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=()
names=""
for dir in $(grep -rl --include='*_test.go' 'testing.Short()' . | xargs -n1 dirname | sort -u); do
  # Every function of the package's tests whose body checks testing.Short().
  checks=$(awk '/^func /{ name = $0; sub(/^func (\([^)]*\) )?/, "", name); sub(/[^A-Za-z0-9_].*/, "", name) }
    /testing\.Short\(\)/ && name != "" { print name }' "$dir"/*_test.go | sort -u)
  tests=$(grep '^Test' <<<"$checks" || true)
  helpers=$(grep -v '^Test' <<<"$checks" | paste -sd'|' || true)
  if [ -n "$helpers" ]; then
    # Test functions calling one of the helpers.
    tests+=$'\n'$(awk -v re="(^|[^A-Za-z0-9_])($helpers)\\\\(" '
      /^func / { name = ""; if ($0 ~ /^func Test/) { name = $0; sub(/^func /, "", name); sub(/[^A-Za-z0-9_].*/, "", name) } next }
      name != "" && $0 ~ re { print name }' "$dir"/*_test.go)
  fi
  if grep -q . <<<"$tests"; then
    pkgs+=("./${dir#./}")
    names+=$'\n'$tests
  fi
done
echo "-run ^($(grep . <<<"$names" | sort -u | paste -sd'|'))\$ ${pkgs[*]}"
