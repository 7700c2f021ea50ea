#!/usr/bin/env bash
# Checks that a change to the scan's mechanics leaves its outputs unchanged: builds `totto` and
# bench/likelycause at BASE (a git revision, main by default) and from the working tree, runs both
# over the whole corpus and compares, byte for byte:
#   - `totto scan --format json` (built-in packs: matches, best match, likely cause, failed tests)
#     on every corpus log, and with the benchmark sets P1–P3 on the Treeherder logs;
#   - the likely-cause predictions of bench/likelycause (canonical text, as the CLI reads logs,
#     and CiDiff with the passing twin as history).
#
#   bench/scan-same.sh [BASE]      # CORPUS=../shared/corpus
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-main}
corpus=$(realpath "${CORPUS:-../shared/corpus}")
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/src" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT

git worktree add --detach "$tmp/src" "$base" >/dev/null 2>&1
for side in base head; do
	src=.
	[ "$side" = base ] && src="$tmp/src"
	mkdir -p "$tmp/$side"
	(cd "$src" && go build -o "$tmp/$side/totto" ./cmd/totto && go build -o "$tmp/$side/likelycause" ./bench/likelycause)
done
go build -o "$tmp/scanbench" ./bench/cmd/scanbench
for set in P1 P2 P3; do
	"$tmp/scanbench" yaml "$corpus/patterns/bench/$set.jsonl" >"$tmp/$set.yml"
done

mapfile -t logs < <(find "$corpus/logs" -type f \( -name '*.log' -o -name '*.txt' -o -name '*.gz' \) | LC_ALL=C sort)
echo "${#logs[@]} logs; base $(git rev-parse --short "$base"), head $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty')"
for side in base head; do
	d="$tmp/$side"
	"$d/totto" scan --format json "${logs[@]}" >"$d/scan.json" 2>/dev/null || true
	for set in P1 P2 P3; do
		"$d/totto" scan --builtin=false --format json --patterns "$tmp/$set.yml" "$corpus"/logs/treeherder/*.gz >"$d/scan.$set.json" 2>/dev/null || true
	done
	"$d/likelycause" -corpus "$corpus/logs" -out "$d/lc.plain.jsonl"
	"$d/likelycause" -corpus "$corpus/logs" -format auto -out "$d/lc.auto.jsonl"
	"$d/likelycause" -corpus "$corpus/logs" -history -out "$d/lc.history.jsonl"
done

bad=0
for f in scan.json scan.P1.json scan.P2.json scan.P3.json lc.plain.jsonl lc.auto.jsonl lc.history.jsonl; do
	if cmp -s "$tmp/base/$f" "$tmp/head/$f"; then
		echo "same      $f ($(wc -l <"$tmp/head/$f") records)"
	else
		echo "DIFFERENT $f"
		diff <(tr , '\n' <"$tmp/base/$f") <(tr , '\n' <"$tmp/head/$f") | head -10 | sed 's/^/    /'
		bad=1
	fi
done
exit $bad
