package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/patterns/builtin"
	"github.com/totto-ci/totto/triage"
)

// catalogue is one pattern set the diagnosis is measured with.
type catalogue struct {
	Name     string
	Patterns []patterns.Pattern
	Flaky    int
}

// loadCatalogues returns the built-in packs and the two imported real catalogues, with ids
// unique across all of them so one scan serves every catalogue.
func loadCatalogues(root string) ([]catalogue, error) {
	cats := []catalogue{{Name: "built-in packs", Patterns: builtin.All()}}
	for _, imp := range []struct{ kind, path, name string }{
		{"drci", root + "/patterns/circleci-failure-tracker/patterns-dump.json", "Dr. CI patterns-dump.json"},
		{"pytorch", root + "/patterns/pytorch/ruleset.toml", "PyTorch ruleset.toml"},
	} {
		res, err := patterns.Import(imp.kind, imp.path)
		if err != nil {
			return nil, fmt.Errorf("load catalogue: %w", err)
		}
		cats = append(cats, catalogue{Name: imp.name, Patterns: res.Patterns})
	}
	// Stress: the real complaint is a broad rule tagged flaky. Tagging every imported rule flaky
	// is the worst case of that, and shows what each safeguard catches.
	for _, c := range cats[1:3] {
		ps := make([]patterns.Pattern, len(c.Patterns))
		for i, p := range c.Patterns {
			p.Tags = append(append([]string(nil), p.Tags...), patterns.TagFlaky)
			ps[i] = p
		}
		cats = append(cats, catalogue{Name: c.Name + ", every rule tagged flaky (stress)", Patterns: ps})
	}
	var id int64
	for i := range cats {
		for j := range cats[i].Patterns {
			id++
			cats[i].Patterns[j].ID = id
			if cats[i].Patterns[j].HasTag(patterns.TagFlaky) {
				cats[i].Flaky++
			}
		}
	}
	return cats, nil
}

// stage is one step of the safeguard staircase: what a failure is called flaky by.
type stage struct {
	Name string
	// flaky reports whether the failure is called flaky, and by which match.
	flaky func(l failureLog, s scanned, prec map[int64]triage.Precision, info map[int64]triage.PatternInfo) (*patterns.Match, bool)
}

// naiveBest is how a classifier without safeguards picks: highest priority, then the last line.
func naiveBest(ms []patterns.Match) *patterns.Match {
	var best *patterns.Match
	for i := range ms {
		m := &ms[i]
		if best == nil || m.Priority > best.Priority || (m.Priority == best.Priority && m.Line >= best.Line) {
			best = m
		}
	}
	return best
}

func hasFlaky(m *patterns.Match) bool {
	if m == nil {
		return false
	}
	for _, t := range m.Tags {
		if t == patterns.TagFlaky {
			return true
		}
	}
	return false
}

// triageOne runs triage.Triage on a one-job commit built from the scan.
func triageOne(l failureLog, s scanned, cfg triage.Config, prec map[int64]triage.Precision, info map[int64]triage.PatternInfo) triage.JobVerdict {
	in := triage.Input{
		Commit:    triage.Commit{Repo: "corpus/" + l.Set, SHA: l.ID},
		Runs:      []triage.Run{{Provider: "corpus", Name: l.Job, Attempt: 1, Conclusion: triage.ConclusionFailure, Matches: s.Matches, Cause: s.Cause}},
		Patterns:  info,
		Config:    cfg,
		Precision: prec,
	}
	return triage.Triage(in).Jobs[0]
}

var stages = []stage{
	{"no safeguard (highest priority, last line)", func(_ failureLog, s scanned, _ map[int64]triage.Precision, _ map[int64]triage.PatternInfo) (*patterns.Match, bool) {
		b := naiveBest(s.Matches)
		return b, hasFlaky(b)
	}},
	{"+ boilerplate lines never best (patterns.Best)", func(_ failureLog, s scanned, _ map[int64]triage.Precision, _ map[int64]triage.PatternInfo) (*patterns.Match, bool) {
		b := patterns.Best(s.Matches)
		return b, hasFlaky(b)
	}},
	{"+ generic lines never decide (triage)", func(l failureLog, s scanned, _ map[int64]triage.Precision, info map[int64]triage.PatternInfo) (*patterns.Match, bool) {
		jv := triageOne(l, s, triage.Config{NeverFlaky: []string{}}, nil, info)
		return jv.Evidence.Best, jv.Verdict == triage.Flaky
	}},
	{"+ never-flaky jobs (default globs)", func(l failureLog, s scanned, _ map[int64]triage.Precision, info map[int64]triage.PatternInfo) (*patterns.Match, bool) {
		jv := triageOne(l, s, triage.Config{}, nil, info)
		return jv.Evidence.Best, jv.Verdict == triage.Flaky
	}},
	{"+ precision demotion (pass logs as successful jobs)", func(l failureLog, s scanned, prec map[int64]triage.Precision, info map[int64]triage.PatternInfo) (*patterns.Match, bool) {
		jv := triageOne(l, s, triage.Config{}, prec, info)
		return jv.Evidence.Best, jv.Verdict == triage.Flaky
	}},
}

// group is a set of failures the flaky counts are reported on.
type group struct {
	Name string
	in   func(l failureLog) bool
}

var groups = []group{
	{"CiDiff dev failures", func(l failureLog) bool { return l.Set == "cidiff" }},
	{"LogChunks dev: test or compile failures", func(l failureLog) bool {
		return l.Set == "logchunks" && (l.Kind == "test" || l.Kind == "compile")
	}},
	{"LogChunks dev: all failures", func(l failureLog) bool { return l.Set == "logchunks" }},
}

// flakyCall is one failure a stage calls flaky.
type flakyCall struct {
	Log   failureLog
	Match *patterns.Match
}

// result is the measurement for one catalogue.
type result struct {
	Catalogue catalogue
	// Counts[stage][group] is how many failures of the group the stage calls flaky.
	Counts [][]int
	// Remaining are the failures the last stage still calls flaky.
	Remaining []flakyCall
	// Demoted lists demoted flaky patterns with the reason.
	Demoted []string
	// PassHits are flaky- or infra-tagged matches on CiDiff pass logs.
	PassHits []flakyCall
}

// evaluate measures one catalogue over the scanned corpus.
func evaluate(cat catalogue, corpus []failureLog, scans map[string]scanned) result {
	ids := map[int64]bool{}
	info := map[int64]triage.PatternInfo{}
	for _, p := range cat.Patterns {
		ids[p.ID] = true
		info[p.ID] = triage.PatternInfo{ID: p.ID, Name: p.Name, Tags: p.Tags, Priority: p.Priority}
	}
	own := func(s scanned) scanned {
		var ms []patterns.Match
		for _, m := range s.Matches {
			if ids[m.PatternID] {
				ms = append(ms, m)
			}
		}
		return scanned{Matches: ms, Cause: s.Cause}
	}
	// Precision: every log is one job; CiDiff pass logs are the successful jobs.
	prec := map[int64]triage.Precision{}
	res := result{Catalogue: cat}
	for _, l := range corpus {
		s := own(scans[l.ID])
		seen := map[int64]bool{}
		for i, m := range s.Matches {
			if seen[m.PatternID] {
				continue
			}
			seen[m.PatternID] = true
			p := prec[m.PatternID]
			p.Hits++
			if l.Set == "cidiff-pass" {
				p.OnSuccess++
				for _, t := range m.Tags {
					if t == patterns.TagFlaky || t == patterns.TagInfra {
						res.PassHits = append(res.PassHits, flakyCall{Log: l, Match: &s.Matches[i]})
						break
					}
				}
			}
			prec[m.PatternID] = p
		}
	}
	for _, p := range cat.Patterns {
		if pr, ok := prec[p.ID]; ok && p.HasTag(patterns.TagFlaky) {
			if why, demoted := triage.DefaultDemotion.Demoted(pr); demoted {
				res.Demoted = append(res.Demoted, fmt.Sprintf("%s: %s", p.Name, why))
			}
		}
	}
	res.Counts = make([][]int, len(stages))
	for si, st := range stages {
		res.Counts[si] = make([]int, len(groups))
		for _, l := range corpus {
			if l.Set == "cidiff-pass" {
				continue
			}
			m, flaky := st.flaky(l, own(scans[l.ID]), prec, info)
			if !flaky {
				continue
			}
			for gi, g := range groups {
				if g.in(l) {
					res.Counts[si][gi]++
				}
			}
			if si == len(stages)-1 {
				res.Remaining = append(res.Remaining, flakyCall{Log: l, Match: m})
			}
		}
	}
	return res
}

// suggestionReport is what the suggestion engine proposes from the failures the built-in packs
// leave unexplained, and how those proposals fare on the passing logs.
type suggestionReport struct {
	Unexplained int
	Suggestions []triage.Suggestion
	// PassHits counts CiDiff pass logs each suggestion matches (by index).
	PassHits []int
	Generic  int
	// RejectedOnPass counts proposals dropped because they match a CiDiff pass log.
	RejectedOnPass int
}

func suggest(cat catalogue, corpus []failureLog, scans map[string]scanned, passLines map[string][]string) suggestionReport {
	var rep suggestionReport
	info := map[int64]triage.PatternInfo{}
	ids := map[int64]bool{}
	for _, p := range cat.Patterns {
		ids[p.ID] = true
		info[p.ID] = triage.PatternInfo{ID: p.ID, Name: p.Name, Tags: p.Tags}
	}
	var fails []triage.UnexplainedFailure
	for _, l := range corpus {
		if l.Set == "cidiff-pass" {
			continue
		}
		s := scans[l.ID]
		var ms []patterns.Match
		for _, m := range s.Matches {
			if ids[m.PatternID] {
				ms = append(ms, m)
			}
		}
		jv := triageOne(l, scanned{Matches: ms, Cause: s.Cause}, triage.Config{}, nil, info)
		if jv.Verdict != triage.New {
			continue
		}
		rep.Unexplained++
		line := ""
		if jv.Evidence.Best != nil {
			line = jv.Evidence.Best.Text
		} else if t, _, ok := triage.CauseLine(s.Cause); ok {
			line = t
		}
		if line != "" {
			fails = append(fails, triage.UnexplainedFailure{JobID: l.ID, Line: line})
		}
	}
	all := triage.Suggest(fails, triage.SuggestOptions{})
	onPass := func(p patterns.Pattern) int {
		match := func(s string) bool { return strings.Contains(s, p.Expr) }
		if p.Kind == patterns.Regex {
			match = regexp.MustCompile(p.Expr).MatchString
		}
		n := 0
		for _, lines := range passLines {
			for _, t := range lines {
				if match(t) {
					n++
					break
				}
			}
		}
		return n
	}
	for _, sg := range all {
		if onPass(sg.Pattern) > 0 {
			rep.RejectedOnPass++
		}
	}
	rep.Suggestions = triage.Suggest(fails, triage.SuggestOptions{Reject: func(p patterns.Pattern) bool { return onPass(p) > 0 }})
	for _, sg := range rep.Suggestions {
		if patterns.IsGeneric(sg.Pattern.Expr, 0, 0) {
			rep.Generic++
		}
		n := onPass(sg.Pattern)
		rep.PassHits = append(rep.PassHits, n)
	}
	return rep
}
