#!/bin/sh
# Measures the likely-cause excerpt on the dev corpora with the corpus scorer:
#  1. leave-repositories-out cross-validation on LogChunks (the headline: weights chosen without
#     the scored repository), next to the plain dev figure;
#  2. the plain figures of all three dev sets (canonical text, and as `totto scan` reads logs);
#  3. CiDiff with the passing twin as the job's history;
#  4. the older fixed half split (A = even-numbered repositories / cases, B = odd).
# Usage: bench/likelycause.sh [SPLIT] [BUDGET]   (defaults: dev 10)
set -eu
cd "$(dirname "$0")/.."
split=${1:-dev}
budget=${2:-10}
corpus=${TOTTO_CORPUS:-../shared/corpus}
tmp=${TMPDIR:-/tmp}
pred=$tmp/totto-likelycause-$split.jsonl
bin=$tmp/totto-likelycause-bin
go build -o "$bin" ./bench/likelycause

echo "== leave-repositories-out cross-validation"
"$bin" -corpus "$corpus/logs" -split "$split" -budget "$budget" -grid -grid-out "$pred.grid.json" -out "$pred.grid"
python3 bench/likelycause_cv.py "$corpus/tools" "$pred.grid" "$pred.grid.json" "$split" "$budget"
echo
echo "== plain figures (canonical text; the Finder strips CI markers itself)"
"$bin" -corpus "$corpus/logs" -split "$split" -budget "$budget" -out "$pred"
python3 "$corpus/tools/score_excerpts.py" "$pred" "$split" --budget "$budget"
echo
echo "== as \`totto scan\` reads logs (reader strips CI markers; every line counts against the budget)"
"$bin" -corpus "$corpus/logs" -split "$split" -budget "$budget" -format auto -out "$pred.auto"
python3 "$corpus/tools/score_excerpts.py" "$pred.auto" "$split" --budget "$budget" | tail -n +2
echo
echo "== CiDiff with the passing twin as the job's history"
"$bin" -corpus "$corpus/logs" -split "$split" -budget "$budget" -history -out "$pred.history"
python3 "$corpus/tools/score_excerpts.py" "$pred.history" "$split" --budget "$budget" --dataset cidiff | tail -n +2
echo
echo "== fixed half split: half A = even-numbered repositories (LogChunks) / cases (CiDiff, PyTorch), half B = odd"
python3 - "$corpus/tools" "$pred" "$split" "$budget" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
import score_excerpts as s
pred_file, split, budget = sys.argv[2], sys.argv[3], int(sys.argv[4])
preds = {}
for line in open(pred_file):
    if line.strip():
        p = json.loads(line)
        preds.setdefault(p["log"], p)
items = s.load_split(split)
repos = sorted({it["meta"]["repo"] for it in items if it["dataset"] == "logchunks"})
def half(it, idx):
    if it["dataset"] == "logchunks":
        return "AB"[repos.index(it["meta"]["repo"]) % 2]
    return "AB"[idx % 2]
counters = {}
groups = {"A": [], "B": []}
for it in items:
    k = counters.get(it["dataset"], 0)
    counters[it["dataset"]] = k + 1
    groups[half(it, k)].append(it)
print("%-5s %-10s %5s %8s %8s" % ("half", "dataset", "n", "hit", "strict"))
for h in "AB":
    res, _ = s.score(preds, groups[h], budget)
    for ds in ("logchunks", "cidiff", "pytorch"):
        if ds in res:
            d = res[ds]
            print("%-5s %-10s %5d %7.1f%% %7.1f%%" % (h, ds, d["n"], 100.0 * d["hit"] / d["n"], 100.0 * d["strict"] / d["n"]))
PY
