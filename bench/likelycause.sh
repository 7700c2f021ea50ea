#!/bin/sh
# Measures the likely-cause excerpt on the dev corpora with the corpus scorer:
#  1. leave-one-repository-out on LogChunks (the headline: each repository scored with the rules
#     and the weights chosen without it; likelycause_loro.py says how), next to the weights-only
#     cross-validation and the plain dev figure;
#  2. the plain figures of all three dev sets (canonical text, and as `totto scan` reads logs);
#  3. CiDiff with the passing twin as the job's history, and Treeherder's own error lines;
#  4. the older fixed half split (A = even-numbered repositories / cases, B = odd), next to the
#     spread of the same difference over random halves of the repositories.
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
python3 bench/likelycause_cv.py "$corpus/tools" "$pred.grid" "$pred.grid.json" "$split" "$budget" "$pred.chosen.json"
echo
echo "== rule-level leave-one-repository-out: rules and weights chosen without the scored repository"
"$bin" -corpus "$corpus/logs" -split "$split" -budget "$budget" -ablate -rules-out "$pred.rules" -out "$pred.ablate"
"$bin" -corpus "$corpus/logs" -treeherder -budget "$budget" -rules-out "$pred.rules.treeherder" -out /dev/null
python3 bench/likelycause_loro.py folds "$corpus/tools" "$corpus/logs" "$pred.ablate" "$pred.rules" "$pred.rules.treeherder" "$pred.chosen.json" "$split" "$budget" "$pred.loro"
for v in evidence strict; do
	"$bin" -corpus "$corpus/logs" -split "$split" -budget "$budget" -folds "$pred.loro.$v.json" -out "$pred.loro.$v.jsonl"
done
python3 bench/likelycause_loro.py score "$corpus/tools" "$split" "$budget" "$pred.loro"
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
echo "== Treeherder (Firefox CI): does the excerpt hold one of Treeherder's own error lines (*.logview.json)?"
"$bin" -corpus "$corpus/logs" -treeherder -budget "$budget" -out "$pred.treeherder"
python3 - "$corpus/logs" "$pred.treeherder" <<'PY'
import json, sys
logs, pred = sys.argv[1], sys.argv[2]
hit = n = 0
for line in open(pred):
    p = json.loads(line)
    stem = p["log"].split(":", 1)[1]
    errs = json.load(open("%s/treeherder/%s.logview.json" % (logs, stem)))["errors"]
    gold = {e["linenumber"] + 1 for e in errs}  # Treeherder numbers lines from 0
    ranges = p.get("ranges") or [[p["start_line"], p["end_line"]]]
    n += 1
    if any(a <= g <= b for a, b in ranges for g in gold):
        hit += 1
    else:
        print("  miss %s: excerpt %s, Treeherder's lines %s" % (stem, ranges, sorted(gold)[:5]))
print("%d of %d logs" % (hit, n))
PY
echo
echo "== imported PyTorch ruleset: does the best match land on the line PyTorch's classifier marks?"
go build -o "$bin.totto" ./cmd/totto
"$bin.totto" patterns import --from pytorch "$corpus/patterns/pytorch/ruleset.toml" >"$pred.pytorch.yml" 2>/dev/null
python3 - "$corpus/tools" "$corpus/logs" "$bin.totto" "$pred.pytorch.yml" "$split" <<'PY'
import json, subprocess, sys
sys.path.insert(0, sys.argv[1])
import score_excerpts as s
logs, totto, pats, split = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
items = [it for it in s.load_split(split) if it["dataset"] == "pytorch"]
hit = 0
for it in items:
    stem = it["id"].split(":", 1)[1]
    out = subprocess.run([totto, "scan", "--builtin=false", "--likely-cause=false", "--format", "json", "--patterns", pats,
                          "%s/pytorch-%s/clean/%s.log" % (logs, split, stem)], capture_output=True, text=True).stdout
    best = json.loads(out.splitlines()[0]).get("best")
    if best and best["line"] == it["gold"][0][0]:
        hit += 1
    else:
        print("  miss %s: best %s" % (stem, best and (best["line"], best["pattern"])))
print("%d of %d fixtures" % (hit, len(items)))
PY
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
# The fixed split is one draw. Random halves of the LogChunks repositories show how far two halves
# differ by chance alone, which is what the fixed split's gap is to be read against.
import random, statistics
lc = [it for it in items if it["dataset"] == "logchunks"]
_, per = s.score(preds, lc, budget)
by_repo = {}
for it, r in per:
    h = by_repo.setdefault(it["meta"]["repo"], [0, 0])
    h[0] += bool(r and r["hit"])
    h[1] += 1
rng = random.Random(14)
diffs = []
for _ in range(1000):
    a = set(rng.sample(repos, len(repos) // 2))
    ha = [sum(by_repo[r][i] for r in repos if r in a) for i in (0, 1)]
    hb = [sum(by_repo[r][i] for r in repos if r not in a) for i in (0, 1)]
    diffs.append(100.0 * (ha[0] / ha[1] - hb[0] / hb[1]))
absd = sorted(abs(d) for d in diffs)
print("random repository halves (1000 draws, seed 14): A-B %.1f ± %.1f points, |A-B| median %.1f, 95th percentile %.1f"
      % (statistics.mean(diffs), statistics.pstdev(diffs), absd[len(absd) // 2], absd[int(0.95 * len(absd))]))
PY
