#!/usr/bin/env python3
"""Rule-level leave-one-repository-out on LogChunks: each repository scored with the rules
chosen without it.

Usage:
  likelycause_loro.py folds TOOLS LOGS ABLATE.jsonl RULES.jsonl RULES_TREEHERDER.jsonl CHOSEN.json SPLIT BUDGET OUT_PREFIX
  likelycause_loro.py score TOOLS SPLIT BUDGET OUT_PREFIX

A rule's evidence is the set of sources (a LogChunks repository, or the CiDiff, PyTorch or
Treeherder corpus) that show it is needed or that it recognises a failure:
  - switching the rule off alone loses a hit there (ABLATE: `bench/likelycause -ablate`), or
  - the rule is the one that scores a labelled line there (RULES, RULES_TREEHERDER:
    `bench/likelycause -rules-out`; LogChunks' labelled chunks, CiDiff's E ranges, PyTorch's
    marked line, Treeherder's own error lines).
When repository R is scored, the rules whose only evidence is R are switched off (R's own
rules), and the weights are those the weight cross-validation chose without R (CHOSEN, written
by likelycause_cv.py). A rule with no evidence anywhere is kept: nothing in the corpora chose it.

"strict" reads evidence from switching rules off on LogChunks alone (a rule is R's when only R
loses hits without it), which is the reading of docs/diagnosis.md's earlier bound.

`folds` writes OUT_PREFIX.evidence.json and OUT_PREFIX.strict.json (-folds files for
bench/likelycause) and prints which rules each repository loses; `score` scores the predictions
made with them (OUT_PREFIX.evidence.jsonl, OUT_PREFIX.strict.jsonl).
"""
import collections
import json
import sys

mode = sys.argv[1]
sys.path.insert(0, sys.argv[2])
import score_excerpts as s  # noqa: E402


def source(it):
    return it["meta"]["repo"] if it["dataset"] == "logchunks" else it["dataset"]


def gold_lines(it, lines):
    out = set()
    for a, b in it["gold"]:
        for i in range(a, b + 1):
            if it["dataset"] == "cidiff" or (i <= len(lines) and not s.is_blank(lines[i - 1])):
                out.add(i)
    return out


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def folds(logs, ablate, rules_file, rules_th, chosen_file, split, budget, prefix):
    items = s.load_split(split)
    by_id = {it["id"]: it for it in items}
    cache = {}
    by_config = collections.defaultdict(dict)
    names = {}
    for p in read_jsonl(ablate):
        by_config[p["config"]].setdefault(p["log"], p)
        if "without" in p:
            names[p["config"]] = p["without"]
    hits = {}
    for k in sorted(by_config):
        _, per = s.score(by_config[k], items, budget, lines_cache=cache)
        hits[k] = {it["id"]: bool(r and r["hit"]) for it, r in per}
    lost = collections.defaultdict(set)  # rule -> sources losing a hit without it
    for k, name in names.items():
        for i, h in hits[0].items():
            if h and not hits[k][i]:
                lost[name].add(source(by_id[i]))
    fires = collections.defaultdict(set)  # rule -> sources where it scores a labelled line
    for rec in read_jsonl(rules_file):
        it = by_id.get(rec["log"])
        if it is None:
            continue
        if it["id"] not in cache:
            cache[it["id"]] = s.normalise_lines(s.log_path(it["id"]))
        for g in gold_lines(it, cache[it["id"]]):
            name = rec["rules"].get(str(g))
            if name:
                fires[name].add(source(it))
    for rec in read_jsonl(rules_th):
        stem = rec["log"].split(":", 1)[1]
        errs = json.load(open("%s/treeherder/%s.logview.json" % (logs, stem)))["errors"]
        for e in errs:
            name = rec["rules"].get(str(e["linenumber"] + 1))  # Treeherder numbers lines from 0
            if name:
                fires[name].add("treeherder")
    chosen = json.load(open(chosen_file))
    repos = sorted({it["meta"]["repo"] for it in items if it["dataset"] == "logchunks"})
    for variant, evidence in (("evidence", lambda n: lost[n] | fires[n]),
                              ("strict", lambda n: {q for q in lost[n] if q not in ("cidiff", "pytorch")})):
        own = collections.defaultdict(list)
        for n in names.values():
            ev = evidence(n)
            if len(ev) == 1:
                own[next(iter(ev))].append(n)
        out = {}
        for it in items:
            if it["dataset"] == "logchunks":
                r = it["meta"]["repo"]
                out[it["id"]] = {"without": sorted(own.get(r, [])), "params": chosen[r]}
        with open("%s.%s.json" % (prefix, variant), "w") as f:
            json.dump(out, f, indent=1, sort_keys=True)
        n_own = sum(len(own.get(r, [])) for r in repos)
        print("%-8s %d rules are one repository's own: %s" % (variant, n_own, "; ".join(
            "%s: %s" % (r, ", ".join(sorted(own[r]))) for r in repos if own.get(r))))
    print("rules without any evidence (kept): %s" % ", ".join(sorted(n for n in names.values() if not lost[n] and not fires[n])))


def score(split, budget, prefix):
    items = [it for it in s.load_split(split) if it["dataset"] == "logchunks"]
    cache = {}
    for variant in ("evidence", "strict"):
        preds = {}
        for p in read_jsonl("%s.%s.jsonl" % (prefix, variant)):
            preds.setdefault(p["log"], p)
        _, per = s.score(preds, items, budget, lines_cache=cache)
        by_repo = collections.defaultdict(lambda: [0, 0])
        for it, r in per:
            h = by_repo[it["meta"]["repo"]]
            h[0] += bool(r and r["hit"])
            h[1] += 1
        hit = sum(h[0] for h in by_repo.values())
        print("  rule-level leave-one-repository-out (%s): %d of %d, %5.1f%%" % (variant, hit, len(items), 100.0 * hit / len(items)))
        worst = sorted(by_repo.items(), key=lambda kv: kv[1][0] / kv[1][1])[:8]
        print("    lowest: " + ", ".join("%s %d/%d" % (r, h, n) for r, (h, n) in worst))


if mode == "folds":
    folds(*sys.argv[3:8], sys.argv[8], int(sys.argv[9]), sys.argv[10])
elif mode == "score":
    score(sys.argv[3], int(sys.argv[4]), sys.argv[5])
else:
    sys.exit("usage: see the docstring")
