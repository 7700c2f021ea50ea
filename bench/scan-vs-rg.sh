#!/usr/bin/env bash
# Compares totto's pattern scan with ripgrep on the Treeherder corpus, in one run so that the
# ratios are meaningful on a noisy machine: same normalised files, same pattern sets (P1–P3),
# single thread, repetitions interleaved, best of REPS, wall-clock and CPU time. Each tool runs
# as a process over all files (startup and, for totto, pattern compilation included). Also checks that both find the same
# matching lines, measures -j 2 scaling and peak RSS on a 1 GB log.
#
# With BASE=<git revision>, the default `totto scan` of that revision is measured too, interleaved
# with this tree's, so a change's before and after are compared in the same run.
#
#   bench/scan-vs-rg.sh            # REPS=5 by default; CORPUS=../shared/corpus; BASE unset
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${CORPUS:-../shared/corpus}
reps=${REPS:-5}
[ -d "$corpus/logs/treeherder" ] || { echo "corpus absent at $corpus" >&2; exit 1; }
command -v rg >/dev/null || apt-get install -y ripgrep >/dev/null
base=${BASE:-}
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/base-src" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT

echo "== build"
go build -o "$tmp/scanbench" ./bench/cmd/scanbench
go build -o "$tmp/totto" ./cmd/totto
if [ -n "$base" ]; then
	git worktree add --detach "$tmp/base-src" "$base" >/dev/null 2>&1
	(cd "$tmp/base-src" && go build -o "$tmp/base-totto" ./cmd/totto)
	echo "base: $(git rev-parse --short "$base")"
fi
echo "$(rg --version | head -1), $(go version | cut -d' ' -f3), $(nproc) cores"

echo "== normalise treeherder (lines as totto sees them; ripgrep and totto read the same text)"
mkdir "$tmp/norm"
"$tmp/scanbench" normalise -o "$tmp/norm" "$corpus"/logs/treeherder/*.gz
files=("$tmp"/norm/*)
bytes=$(cat "${files[@]}" | wc -c)
echo "${#files[@]} files, $((bytes / 1000000)) MB"

# measure CMD...: runs it once and prints "wall_ms cpu_ms" (cpu = user + system). The machine
# is shared, so CPU time is the steadier figure; both are reported.
measure() {
	/usr/bin/time -o "$tmp/t" -f "%e %U %S" "$@" >/dev/null 2>&1 || true
	tail -1 "$tmp/t" | awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }'
}
mbps() { awk -v b="$bytes" -v ms="$1" 'BEGIN { printf "%.0f", b / 1e6 / (ms / 1000) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", b / a }'; }

printf "\n%-4s %22s %22s %15s  %s\n" set "ripgrep MB/s wall/cpu" "totto MB/s wall/cpu" "ratio wall/cpu" "matching lines: rg / totto / differing"
for set in P1 P2 P3; do
	re="$corpus/patterns/bench/$set.re"
	jl="$corpus/patterns/bench/$set.jsonl"
	rg_w=999999 rg_c=999999 tt_w=999999 tt_c=999999
	for _ in $(seq "$reps"); do
		read -r w c < <(measure rg -j1 -c -f "$re" "${files[@]}")
		((w < rg_w)) && rg_w=$w
		((c < rg_c)) && rg_c=$c
		read -r w c < <(measure "$tmp/scanbench" -patterns "$jl" -j 1 "${files[@]}")
		((w < tt_w)) && tt_w=$w
		((c < tt_c)) && tt_c=$c
	done
	(rg -j1 -n -a -f "$re" "${files[@]}" || true) | cut -d: -f1,2 | LC_ALL=C sort -u >"$tmp/rg.$set"
	"$tmp/scanbench" -patterns "$jl" -j 1 -lines "$tmp/tt.raw.$set" "${files[@]}" >/dev/null
	(grep -v '^$' "$tmp/tt.raw.$set" || true) | LC_ALL=C sort -u >"$tmp/tt.$set"
	diff=$(LC_ALL=C comm -3 "$tmp/rg.$set" "$tmp/tt.$set" | wc -l)
	printf "%-4s %22s %22s %15s  %d / %d / %d\n" "$set" "$(mbps "$rg_w") / $(mbps "$rg_c")" "$(mbps "$tt_w") / $(mbps "$tt_c")" \
		"$(ratio "$tt_w" "$rg_w") / $(ratio "$tt_c" "$rg_c")" "$(wc -l <"$tmp/rg.$set")" "$(wc -l <"$tmp/tt.$set")" "$diff"
	if [ "$diff" -gt 0 ]; then
		echo "  first differences (< only ripgrep, > only totto):"
		LC_ALL=C comm -3 "$tmp/rg.$set" "$tmp/tt.$set" | head -5 | sed 's/^/    /'
	fi
done

echo
echo "== the totto CLI: totto scan --patterns P?.yml (built-ins off), JSON output, same files"
printf "%-4s %22s %22s %15s %30s  %s\n" set "ripgrep MB/s wall/cpu" "scan MB/s wall/cpu" "ratio wall/cpu" "default scan vs rg, wall/cpu" "matching lines: rg / totto scan / differing"
for set in P1 P2 P3; do
	re="$corpus/patterns/bench/$set.re"
	"$tmp/scanbench" yaml "$corpus/patterns/bench/$set.jsonl" >"$tmp/$set.yml"
	rg_w=999999 rg_c=999999 tt_w=999999 tt_c=999999 lc_w=999999 lc_c=999999 bl_c=999999
	for _ in $(seq "$reps"); do
		if [ -n "$base" ]; then
			read -r _ c < <(measure "$tmp/base-totto" scan --builtin=false --format json --patterns "$tmp/$set.yml" "${files[@]}")
			((c < bl_c)) && bl_c=$c
		fi
		read -r w c < <(measure rg -j1 -c -f "$re" "${files[@]}")
		((w < rg_w)) && rg_w=$w
		((c < rg_c)) && rg_c=$c
		read -r w c < <(measure "$tmp/totto" scan --builtin=false --likely-cause=false --format json --patterns "$tmp/$set.yml" "${files[@]}")
		((w < tt_w)) && tt_w=$w
		((c < tt_c)) && tt_c=$c
		read -r w c < <(measure "$tmp/totto" scan --builtin=false --format json --patterns "$tmp/$set.yml" "${files[@]}")
		((w < lc_w)) && lc_w=$w
		((c < lc_c)) && lc_c=$c
	done
	"$tmp/totto" scan --builtin=false --likely-cause=false --format json --patterns "$tmp/$set.yml" "${files[@]}" >"$tmp/scan.$set.json" || true
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    for n in sorted({m["line"] for m in d["matches"]}):
        print("%s:%d" % (d["path"], n))' "$tmp/scan.$set.json" | LC_ALL=C sort -u >"$tmp/ts.$set"
	diff=$(LC_ALL=C comm -3 "$tmp/rg.$set" "$tmp/ts.$set" | wc -l)
	printf "%-4s %22s %22s %15s %30s  %d / %d / %d\n" "$set" "$(mbps "$rg_w") / $(mbps "$rg_c")" "$(mbps "$tt_w") / $(mbps "$tt_c")" \
		"$(ratio "$tt_w" "$rg_w") / $(ratio "$tt_c" "$rg_c")" "$(mbps "$lc_w")/$(mbps "$lc_c") MB/s $(ratio "$lc_w" "$rg_w") / $(ratio "$lc_c" "$rg_c")" "$(wc -l <"$tmp/rg.$set")" "$(wc -l <"$tmp/ts.$set")" "$diff"
	if [ -n "$base" ]; then
		echo "     default scan of the base revision vs rg, CPU: $(ratio "$bl_c" "$rg_c") (this tree: $(ratio "$lc_c" "$rg_c"))"
	fi
done

echo
echo "== scaling, P3, best of $reps"
for j in 1 2; do
	best=999999
	for _ in $(seq "$reps"); do
		read -r w _ < <(measure "$tmp/scanbench" -patterns "$corpus/patterns/bench/P3.jsonl" -j "$j" "${files[@]}")
		((w < best)) && best=$w
	done
	echo "totto -j $j: $(mbps "$best") MB/s wall"
done

echo
echo "== peak RSS scanning one 1 GB log (P3)"
big="$tmp/big.log"
while [ "$(stat -c %s "$big" 2>/dev/null || echo 0)" -lt 1000000000 ]; do
	cat "${files[@]}" >>"$big"
done
rm -rf "$tmp/norm"
/usr/bin/time -v "$tmp/scanbench" -patterns "$corpus/patterns/bench/P3.jsonl" -j 1 "$big" 2>"$tmp/time.txt"
echo "$(( $(stat -c %s "$big") / 1000000 )) MB log: max RSS $(( $(awk -F': ' '/Maximum resident/ {print $2}' "$tmp/time.txt") / 1024 )) MB"
/usr/bin/time -v "$tmp/totto" scan --builtin=false --format json --patterns "$tmp/P3.yml" "$big" >/dev/null 2>"$tmp/time.txt" || true
echo "totto scan (matches + likely cause) on it: max RSS $(( $(awk -F': ' '/Maximum resident/ {print $2}' "$tmp/time.txt") / 1024 )) MB"
