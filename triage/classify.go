package triage

import (
	"fmt"
	"sort"
	"strings"

	"github.com/totto-ci/totto/patterns"
)

// CheckConclusion is the conclusion of the totto check run for the whole commit.
type CheckConclusion string

// Commit conclusions, in GitHub's check-run vocabulary.
const (
	// CheckSuccess: no failed jobs, or every failure is explained.
	CheckSuccess CheckConclusion = "success"
	// CheckFailure: at least one failure is new.
	CheckFailure CheckConclusion = "failure"
	// CheckNeutral: nothing is new, but at least one log could not be read.
	CheckNeutral CheckConclusion = "neutral"
)

// Report is the verdict on a commit: one JobVerdict per failed job, most important first.
type Report struct {
	Commit     Commit
	Jobs       []JobVerdict
	Conclusion CheckConclusion
	// Ignored are failed jobs left out because the repository configured them as ignored.
	Ignored []JobKey
}

// Count returns how many failed jobs got verdict v.
func (r Report) Count(v Verdict) int {
	n := 0
	for _, j := range r.Jobs {
		if j.Verdict == v {
			n++
		}
	}
	return n
}

// Explained returns how many failed jobs have an explaining verdict.
func (r Report) Explained() int {
	n := 0
	for _, j := range r.Jobs {
		if j.Verdict.Explained() {
			n++
		}
	}
	return n
}

// Triage classifies every failed job of the commit and concludes on the commit.
//
// A job is failed when any of its attempts failed; the verdict is about its latest failed attempt,
// and any passing attempt is rerun evidence (so a job that failed once and passed on rerun is
// reported as flaky: that is what the developer needs to know about it). Per job, the first rule
// that applies wins:
//
//  1. known-broken: a known-broken annotation covers the job at this commit (a human said so);
//  2. broken-upstream: the job failed at the merge base with the same signature (Signature);
//  3. flaky: the job passed on another attempt of this commit;
//  4. known-problem: the best match's pattern is tagged known-problem;
//  5. flaky: the best match's pattern is tagged flaky;
//  6. no-log: the log is unavailable;
//  7. new.
//
// Between rules 3 and 4, the failing tests the log names decide (classifyTests): every test
// flaky or broken upstream gives the job that verdict (broken-upstream when any test is), and
// one new test keeps rule 5 from calling the job flaky, because a failing test with no flaky
// evidence is a real failure whatever infrastructure noise the log also shows.
//
// Jobs matching a never-flaky glob skip rules 3 and 5 and flaky tests (a note says so). Rule 5 also never
// applies on a generic best match (patterns.IsGeneric: "exit code 1", a bare "error") or when the
// pattern is demoted by its precision record (Input.Precision, Config.Demotion); the note says
// which, and the job is new.
func Triage(in Input) Report {
	if in.Best == nil {
		in.Best = patterns.Best
	}
	groups := map[JobKey][]Run{}
	var order []JobKey
	for _, r := range in.Runs {
		k := r.Key()
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	rep := Report{Commit: in.Commit}
	for _, k := range order {
		runs := groups[k]
		failed, ok := latestFailed(runs)
		if !ok {
			continue
		}
		if _, ignored := anyGlob(in.Config.Ignored, k.Name); ignored {
			rep.Ignored = append(rep.Ignored, k)
			continue
		}
		jv := classify(in, failed, runs)
		rep.Jobs = append(rep.Jobs, jv)
	}
	sort.SliceStable(rep.Jobs, func(i, j int) bool {
		a, b := rep.Jobs[i], rep.Jobs[j]
		if a.Verdict.rank() != b.Verdict.rank() {
			return a.Verdict.rank() < b.Verdict.rank()
		}
		if a.Run.Name != b.Run.Name {
			return a.Run.Name < b.Run.Name
		}
		return a.Run.Provider < b.Run.Provider
	})
	rep.Conclusion = Conclude(rep.Jobs)
	return rep
}

// Conclude is the commit conclusion rule: any new failure makes it red; otherwise an unreadable log
// makes it neutral (we cannot say it is fine); otherwise it is green.
func Conclude(jobs []JobVerdict) CheckConclusion {
	c := CheckSuccess
	for _, j := range jobs {
		switch j.Verdict {
		case New:
			return CheckFailure
		case NoLog:
			c = CheckNeutral
		}
	}
	return c
}

// latestFailed returns the failed attempt with the highest attempt number (the later one in input
// order on ties).
func latestFailed(runs []Run) (Run, bool) {
	var best Run
	found := false
	for _, r := range runs {
		if r.Conclusion.Failed() && (!found || r.Attempt >= best.Attempt) {
			best, found = r, true
		}
	}
	return best, found
}

// passingAttempt returns the latest passing attempt among runs.
func passingAttempt(runs []Run) *Rerun {
	var rr *Rerun
	for _, r := range runs {
		if r.Conclusion == ConclusionSuccess && (rr == nil || r.Attempt >= rr.Attempt) {
			rr = &Rerun{Attempt: r.Attempt, URL: r.URL}
		}
	}
	return rr
}

// baseMismatchNote starts the note on a job that fails at the merge base with another match.
const baseMismatchNote = "also fails at merge base"

func classify(in Input, run Run, runs []Run) JobVerdict {
	jv := JobVerdict{Run: run, Attempts: len(runs)}
	ev := &jv.Evidence
	if run.Log.Expired != "" {
		ev.Notes = append(ev.Notes, run.Log.Expired)
	}
	if run.Log.Unavailable {
		ev.LogReason = run.Log.Reason
		if ev.LogReason == "" {
			ev.LogReason = "log unavailable"
		}
	} else if len(run.Matches) > 0 {
		if b := in.Best(run.Matches); b != nil {
			m := *b
			ev.Best = &m
			info := patternInfo(in.Patterns, m)
			ev.Pattern = &info
			if p, ok := in.Precision[m.PatternID]; ok && m.PatternID != 0 {
				ev.Precision = &p
			}
		}
	}
	neverGlob, never := anyGlob(in.Config.neverFlaky(), run.Name)
	ev.Rerun = passingAttempt(runs)
	ev.Tests = classifyTests(in, run, ev.Rerun)
	if base, ok := in.Base[run.Key()]; ok {
		b := base
		ev.Base, ev.BaseKnown = &b, true
	}

	// 1. known-broken.
	for i := range in.Annotations {
		a := in.Annotations[i]
		if a.Covers && (a.Repo == "" || strings.EqualFold(a.Repo, in.Commit.Repo)) && MatchJobGlob(a.JobGlob, run.Name) {
			ev.Annotation = &a
			jv.Verdict = KnownBroken
			return jv
		}
	}
	// 2. broken-upstream.
	sig := Signature(ev.Best)
	if ev.BaseKnown {
		switch {
		case !ev.Base.Conclusion.Failed():
			ev.Notes = append(ev.Notes, fmt.Sprintf("passes at merge base %s", short(ev.Base.SHA)))
		case sig != "" && ev.Base.Signature == sig:
			jv.Verdict = BrokenUpstream
			return jv
		default:
			ev.Notes = append(ev.Notes, fmt.Sprintf(baseMismatchNote+" %s, but not with the same match", short(ev.Base.SHA)))
		}
	}
	// 3. flaky by rerun.
	if ev.Rerun != nil {
		if !never {
			jv.Verdict = Flaky
			return jv
		}
		ev.Notes = append(ev.Notes, fmt.Sprintf("passed on attempt %d, but jobs matching %q are never flaky", ev.Rerun.Attempt, neverGlob))
	}
	// 3b. the failing tests.
	newTest := ""
	for _, t := range ev.Tests {
		if t.Verdict == New {
			newTest = t.Test.Name
			break
		}
	}
	switch testsVerdict(ev.Tests) {
	case BrokenUpstream:
		jv.Verdict, ev.ByTests = BrokenUpstream, true
		ev.Notes = dropBaseMismatchNote(ev.Notes)
		return jv
	case Flaky:
		if !never {
			jv.Verdict, ev.ByTests = Flaky, true
			return jv
		}
		ev.Notes = append(ev.Notes, fmt.Sprintf("every failing test is flaky, but jobs matching %q are never flaky", neverGlob))
	}
	// 4. known-problem, 5. flaky by pattern.
	if ev.Pattern != nil {
		if ev.Pattern.hasTag(patterns.TagKnownProblem) {
			jv.Verdict = KnownProblem
			return jv
		}
		if ev.Pattern.hasTag(patterns.TagFlaky) {
			if newTest != "" {
				ev.Notes = append(ev.Notes, fmt.Sprintf("matched flaky pattern %q, but test %s failed with no flaky evidence", ev.Pattern.Name, newTest))
			} else if why, ok := flakyPatternVetoed(in, ev, never, neverGlob); ok {
				ev.Notes = append(ev.Notes, why)
			} else {
				jv.Verdict = Flaky
				return jv
			}
		}
	}
	// 6. no-log, 7. new.
	if run.Log.Unavailable {
		jv.Verdict = NoLog
		return jv
	}
	jv.Verdict = New
	return jv
}

// dropBaseMismatchNote removes the note that the merge base failed differently: the failing
// tests showed it is the same failure.
func dropBaseMismatchNote(notes []string) []string {
	out := notes[:0]
	for _, n := range notes {
		if !strings.HasPrefix(n, baseMismatchNote) {
			out = append(out, n)
		}
	}
	return out
}

// patternInfo returns the pattern of match m from the catalogue, or what the match itself records.
func patternInfo(catalogue map[int64]PatternInfo, m patterns.Match) PatternInfo {
	if p, ok := catalogue[m.PatternID]; ok && m.PatternID != 0 {
		if p.ID == 0 {
			p.ID = m.PatternID
		}
		if p.Name == "" {
			p.Name = m.Pattern
		}
		return p
	}
	return PatternInfo{ID: m.PatternID, Name: m.Pattern, Tags: m.Tags, Priority: m.Priority}
}

// short abbreviates a commit SHA the way GitHub shows it.
func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
