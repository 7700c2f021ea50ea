#!/usr/bin/env bash
# Compares totto's pattern scan with ripgrep on the Treeherder corpus, in one run so that the
# ratios are meaningful on a noisy machine: same normalised files, same pattern sets (P1–P3),
# single thread, repetitions interleaved, best of REPS. Also checks that both find the same
# matching lines, measures -j 2 scaling and peak RSS on a 1 GB log.
#
#   bench/scan-vs-rg.sh            # REPS=3 by default; CORPUS=../shared/corpus
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${CORPUS:-../shared/corpus}
reps=${REPS:-3}
[ -d "$corpus/logs/treeherder" ] || { echo "corpus absent at $corpus" >&2; exit 1; }
command -v rg >/dev/null || apt-get install -y ripgrep >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== build"
go build -o "$tmp/scanbench" ./bench/cmd/scanbench
echo "$(rg --version | head -1), $(go version | cut -d' ' -f3), $(nproc) cores"

echo "== normalise treeherder (lines as totto sees them; ripgrep and totto read the same text)"
mkdir "$tmp/norm"
"$tmp/scanbench" normalise -o "$tmp/norm" "$corpus"/logs/treeherder/*.gz
files=("$tmp"/norm/*)
bytes=$(cat "${files[@]}" | wc -c)
echo "${#files[@]} files, $((bytes / 1000000)) MB"

now() { date +%s%N; }
# best_of CMD...: runs once, prints elapsed seconds.
elapsed() {
	local t0 t1
	t0=$(now)
	"$@" >/dev/null || true
	t1=$(now)
	echo "$(( (t1 - t0) / 1000000 ))"
}
mbps() { awk -v b="$bytes" -v ms="$1" 'BEGIN { printf "%.0f", b / 1e6 / (ms / 1000) }'; }

printf "\n%-4s %10s %10s %7s  %s\n" set "rg MB/s" "totto MB/s" ratio "matching lines (rg / totto / differing)"
for set in P1 P2 P3; do
	re="$corpus/patterns/bench/$set.re"
	jl="$corpus/patterns/bench/$set.jsonl"
	best_rg=999999999
	best_tt=999999999
	for _ in $(seq "$reps"); do
		ms=$(elapsed rg -j1 -c -f "$re" "${files[@]}")
		((ms < best_rg)) && best_rg=$ms
		ms=$(elapsed "$tmp/scanbench" -patterns "$jl" -j 1 "${files[@]}")
		((ms < best_tt)) && best_tt=$ms
	done
	(rg -j1 -n -a -f "$re" "${files[@]}" || true) | cut -d: -f1,2 | LC_ALL=C sort -u >"$tmp/rg.$set"
	"$tmp/scanbench" -patterns "$jl" -j 1 -lines "$tmp/tt.raw.$set" "${files[@]}" >/dev/null
	grep -v '^$' "$tmp/tt.raw.$set" | LC_ALL=C sort -u >"$tmp/tt.$set" || true
	diff=$(LC_ALL=C comm -3 "$tmp/rg.$set" "$tmp/tt.$set" | wc -l)
	r=$(mbps "$best_rg")
	t=$(mbps "$best_tt")
	printf "%-4s %10s %10s %6.2fx  %d / %d / %d\n" "$set" "$r" "$t" "$(awk -v a="$t" -v b="$r" 'BEGIN{print a/b}')" \
		"$(wc -l <"$tmp/rg.$set")" "$(wc -l <"$tmp/tt.$set")" "$diff"
	if [ "$diff" -gt 0 ]; then
		echo "  first differences (< only ripgrep, > only totto):"
		LC_ALL=C comm -3 "$tmp/rg.$set" "$tmp/tt.$set" | head -5 | sed 's/^/    /'
	fi
done

echo
echo "== scaling, P3, best of $reps"
for j in 1 2; do
	best=999999999
	for _ in $(seq "$reps"); do
		ms=$(elapsed "$tmp/scanbench" -patterns "$corpus/patterns/bench/P3.jsonl" -j "$j" "${files[@]}")
		((ms < best)) && best=$ms
	done
	echo "totto -j $j: $(mbps "$best") MB/s"
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
