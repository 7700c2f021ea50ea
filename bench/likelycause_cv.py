#!/usr/bin/env python3
"""Leave-repositories-out cross-validation of the likely-cause weights on LogChunks.

Usage: likelycause_cv.py TOOLS_DIR GRID_PREDICTIONS.jsonl GRID.json SPLIT BUDGET [CHOSEN_OUT.json]

GRID_PREDICTIONS holds one prediction per log for each weight setting of the grid (field
"config", written by `bench/likelycause -grid`). For each LogChunks repository, the setting with
the most hits on the OTHER repositories is chosen (ties: the lower index, setting 0 being the
defaults) and scored on that repository's logs, which it never saw. The pooled held-out hit rate is
the headline; "tuned" is each fold's chosen setting scored on the repositories it was chosen on.
CHOSEN_OUT, when given, receives each repository's chosen weights ({repository: weights}), which
likelycause_loro.py combines with the rules chosen without that repository.
"""
import collections
import json
import sys

sys.path.insert(0, sys.argv[1])
import score_excerpts as s  # noqa: E402

pred_file, grid_file, split, budget = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
grid = json.load(open(grid_file))
by_config = collections.defaultdict(dict)
for line in open(pred_file):
    if line.strip():
        p = json.loads(line)
        by_config[p["config"]].setdefault(p["log"], p)

items = [it for it in s.load_split(split) if it["dataset"] == "logchunks"]
cache = {}
hits = {}  # config -> {id: bool}
for k in sorted(by_config):
    _, per = s.score(by_config[k], items, budget, lines_cache=cache)
    hits[k] = {it["id"]: bool(r and r["hit"]) for it, r in per}

repos = sorted({it["meta"]["repo"] for it in items})
ids_of = collections.defaultdict(list)
for it in items:
    ids_of[it["meta"]["repo"]].append(it["id"])

configs = sorted(hits)
held_hit = held_n = 0
tuned_rates = []
chosen = collections.Counter()
per_repo = []
for r in repos:
    train = [i for q in repos if q != r for i in ids_of[q]]
    best = max(configs, key=lambda k: (sum(hits[k][i] for i in train), -k))
    chosen[best] += 1
    tuned_rates.append(sum(hits[best][i] for i in train) / len(train))
    h = sum(hits[best][i] for i in ids_of[r])
    held_hit += h
    held_n += len(ids_of[r])
    per_repo.append((r, h, len(ids_of[r]), best))
if len(sys.argv) > 6:
    with open(sys.argv[6], "w") as f:
        json.dump({r: grid[k] for r, _, _, k in per_repo}, f, indent=1, sort_keys=True)

default = sum(hits[0].values()) / len(items)
held = held_hit / held_n
tuned = sum(tuned_rates) / len(tuned_rates)
print("LogChunks %s, budget %d, %d repositories, %d logs, %d weight settings" % (split, budget, len(repos), len(items), len(configs)))
print("  leave-one-repository-out (weights chosen without the scored repository): %5.1f%%" % (100 * held))
print("  same folds, scored on the repositories the weights were chosen on:       %5.1f%%  (gap %.1f points)" % (100 * tuned, 100 * (tuned - held)))
print("  plain dev, default weights (setting 0):                                  %5.1f%%" % (100 * default))
best_all = max(configs, key=lambda k: (sum(hits[k].values()), -k))
print("  best single setting on all of dev (in-sample, for reference):             %5.1f%%  (setting %d)" % (100 * sum(hits[best_all].values()) / len(items), best_all))
print("  settings chosen by the folds: %s" % ", ".join("%d×%d" % (n, k) for k, n in chosen.most_common()))
for k, n in chosen.most_common(3):
    print("    setting %d: %s" % (k, json.dumps(grid[k], sort_keys=True)))
rates = sorted(per_repo, key=lambda x: x[1] / x[2])
print("  lowest held-out repositories: " + ", ".join("%s %d/%d" % (r, h, n) for r, h, n, _ in rates[:8]))
