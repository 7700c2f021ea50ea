#!/usr/bin/env python3
"""List the logs whose likely-cause excerpt misses every labelled line, to read them by cause class.

Usage: likelycause_misses.py TOOLS_DIR PREDICTIONS.jsonl SPLIT BUDGET [DATASET]

For each miss it prints the log, the first labelled lines and the excerpt (with its cause line
marked ">"), so that a miss can be put into a class (a wrapper summary won, harmless "error"
text won, the excerpt landed after the failing step, ...) before any rule is changed.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])
import score_excerpts as s  # noqa: E402

pred_file, split, budget = sys.argv[2], sys.argv[3], int(sys.argv[4])
only = sys.argv[5] if len(sys.argv) > 5 else None
preds = {}
for line in open(pred_file):
    if line.strip():
        p = json.loads(line)
        preds.setdefault(p["log"], p)
items = [it for it in s.load_split(split) if only is None or it["dataset"] == only]
_, per = s.score(preds, items, budget)
misses = 0
for it, r in per:
    if r and r["hit"]:
        continue
    misses += 1
    p = preds.get(it["id"])
    lines = s.normalise_lines(s.log_path(it["id"]))
    repo = it.get("meta", {}).get("repo", "")
    print("=" * 100)
    print("MISS %s %s (%d lines) gold=%s" % (it["id"], repo, len(lines), it["gold"][:3]))
    a, b = it["gold"][0]
    shown = 0
    for i in range(a, b + 1):
        if i <= len(lines) and not s.is_blank(lines[i - 1]):
            print("  gold %6d | %s" % (i, lines[i - 1][:160]))
            shown += 1
            if shown == 4:
                break
    if p is None:
        print("  (no prediction)")
        continue
    cause = p.get("cause", 0)
    for x, y in s.pred_ranges(p):
        for i in range(max(1, x), min(len(lines), y) + 1):
            print("  %s %6d | %s" % (">" if i == cause else " ", i, lines[i - 1][:160]))
        print("  ...")
print("%d misses of %d" % (misses, len(items)))
