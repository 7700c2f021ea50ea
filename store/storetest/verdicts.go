package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

var failedConclusions = []string{"failure", "timed_out"}

// testVerdicts checks store.VerdictKeeper: verdicts are kept per job, go stale when a pattern
// they may rest on changes, when a log gains matches or when an annotation of the repository
// changes, and a verdict decided from inputs older than a change stays stale.
func testVerdicts(t *testing.T, s store.Store) {
	c := ctx(t)
	r, other := repo(t, s, "o/r"), repo(t, s, "o/other")
	l1, l2 := putLog(t, s, "verdict log 1"), putLog(t, s, "verdict log 2")
	j1 := job(t, s, r, "v1", "lint", &l1.ID)
	j2 := job(t, s, r, "v2", "test", &l2.ID)
	j3 := job(t, s, other, "v3", "test", nil)
	must(s.UpsertJob(c, store.Job{Provider: "ingest", ExternalID: "v4", RepoID: r.ID, SHA: "ok", Name: "lint", Conclusion: "success"}))

	todo := must(s.VerdictsToDecide(c, failedConclusions, 10))
	want := []store.CommitRef{{RepoID: r.ID, Repo: "o/r", SHA: "abc"}, {RepoID: other.ID, Repo: "o/other", SHA: "abc"}}
	slices.SortFunc(want, func(a, b store.CommitRef) int { return int(a.RepoID - b.RepoID) })
	if !slices.Equal(todo, want) {
		t.Fatalf("before any verdict, to decide %+v, want %+v (failed jobs only)", todo, want)
	}
	if got := must(s.VerdictsToDecide(c, failedConclusions, 1)); len(got) != 1 {
		t.Fatalf("limit 1: %+v", got)
	}

	t0 := time.Now().UTC()
	vs := []store.JobVerdict{
		{JobID: j1.ID, RepoID: r.ID, SHA: "abc", Verdict: "new", DecidedAt: t0},
		{JobID: j2.ID, RepoID: r.ID, SHA: "abc", Verdict: "flaky", Explained: true, DecidedAt: t0},
		{JobID: j3.ID, RepoID: other.ID, SHA: "abc", Verdict: "no-log", DecidedAt: t0},
	}
	if err := s.RecordVerdicts(c, vs); err != nil {
		t.Fatal(err)
	}
	got := must(s.JobVerdicts(c, []int64{j1.ID, j2.ID, j3.ID, j3.ID + 1000}))
	if len(got) != 3 || got[j1.ID].Verdict != "new" || got[j1.ID].Explained || !got[j2.ID].Explained || got[j2.ID].Stale ||
		got[j3.ID].RepoID != other.ID || got[j1.ID].DecidedAt.Sub(t0).Abs() > time.Microsecond {
		t.Fatalf("stored verdicts %+v", got)
	}
	if todo := must(s.VerdictsToDecide(c, failedConclusions, 10)); len(todo) != 0 {
		t.Fatalf("all decided, still to decide %+v", todo)
	}

	// A scan that finds a match in log 2 makes job 2's verdict stale, not job 1's.
	ch := must(s.AddPatterns(c, []store.Pattern{pattern("boom", "boom")}, "x"))
	p := pending(t, s)
	for _, ps := range p {
		var ms []patterns.Match
		if ps.LogID == l2.ID {
			ms = []patterns.Match{{PatternID: ch[0].ID, Line: 1, Text: "boom"}}
		}
		must(s.RecordScan(c, ps, ms))
	}
	got = must(s.JobVerdicts(c, []int64{j1.ID, j2.ID}))
	if got[j1.ID].Stale || !got[j2.ID].Stale {
		t.Fatalf("after new matches in log 2: %+v", got)
	}
	if todo := must(s.VerdictsToDecide(c, failedConclusions, 10)); !slices.Equal(todo, []store.CommitRef{{RepoID: r.ID, Repo: "o/r", SHA: "abc"}}) {
		t.Fatalf("to decide after new matches %+v", todo)
	}
	// Deciding again clears it; a decision made from inputs read before a change does not.
	if err := s.RecordVerdicts(c, []store.JobVerdict{{JobID: j2.ID, RepoID: r.ID, SHA: "abc", Verdict: "new", DecidedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if g := must(s.JobVerdicts(c, []int64{j2.ID}))[j2.ID]; g.Stale || g.Verdict != "new" || g.Explained {
		t.Fatalf("decided again: %+v", g)
	}
	before := time.Now().Add(-time.Hour)
	edited := pattern("boom", "boom", "flaky")
	if ch := must(s.AddPatterns(c, []store.Pattern{edited}, "x")); ch[0].Action != store.PatternUpdated {
		t.Fatalf("tag edit: %+v", ch)
	}
	if g := must(s.JobVerdicts(c, []int64{j1.ID, j2.ID})); !g[j2.ID].Stale || g[j1.ID].Stale {
		t.Fatalf("after a tag edit of the matching pattern: %+v", g)
	}
	if err := s.RecordVerdicts(c, []store.JobVerdict{{JobID: j2.ID, RepoID: r.ID, SHA: "abc", Verdict: "new", DecidedAt: before}}); err != nil {
		t.Fatal(err)
	}
	if g := must(s.JobVerdicts(c, []int64{j2.ID}))[j2.ID]; !g.Stale {
		t.Fatalf("decided from inputs older than the edit, yet current: %+v", g)
	}
	must(0, s.RecordVerdicts(c, []store.JobVerdict{{JobID: j2.ID, RepoID: r.ID, SHA: "abc", Verdict: "flaky", Explained: true, DecidedAt: time.Now()}}))
	if err := s.RetirePattern(c, ch[0].ID, "x"); err != nil {
		t.Fatal(err)
	}
	if g := must(s.JobVerdicts(c, []int64{j2.ID}))[j2.ID]; !g.Stale || g.Verdict != "flaky" {
		t.Fatalf("after retiring the matching pattern (the verdict is kept, stale): %+v", g)
	}

	// An annotation of o/other makes its verdicts stale and leaves o/r's alone.
	must(0, s.RecordVerdicts(c, []store.JobVerdict{{JobID: j2.ID, RepoID: r.ID, SHA: "abc", Verdict: "new", DecidedAt: time.Now()}}))
	must(s.OpenAnnotation(c, store.Annotation{RepoID: other.ID, JobGlob: "test", FromSHA: "abc", CreatedBy: "x"}))
	if g := must(s.JobVerdicts(c, []int64{j1.ID, j2.ID, j3.ID})); !g[j3.ID].Stale || g[j1.ID].Stale || g[j2.ID].Stale {
		t.Fatalf("after an annotation of o/other: %+v", g)
	}
	must(0, s.RecordVerdicts(c, []store.JobVerdict{{JobID: j3.ID, RepoID: other.ID, SHA: "abc", Verdict: "known-broken", Explained: true, DecidedAt: time.Now()}}))
	if n := must(s.CloseAnnotation(c, other.ID, "test", "def", "x")); n != 1 {
		t.Fatalf("closed %d", n)
	}
	if g := must(s.JobVerdicts(c, []int64{j3.ID})); !g[j3.ID].Stale {
		t.Fatalf("after closing the annotation: %+v", g)
	}
}

// testUnexplainedFailures checks the /unexplained listing: failed jobs with a stored log that no
// kept verdict explains (or none yet), newest first, with cached cause lines, searched, paged and
// kept to the audience.
func testUnexplainedFailures(t *testing.T, s store.Store) {
	c := ctx(t)
	r, other := repo(t, s, "o/r"), repo(t, s, "o/other")
	mk := func(rp store.Repository, ext, name, content, line string) store.Job {
		l := putLog(t, s, content)
		j := must(s.UpsertJob(c, store.Job{Provider: "ingest", ExternalID: ext, RepoID: rp.ID, SHA: "abc", Name: name,
			Conclusion: "failure", LogID: &l.ID, LogState: store.LogStored}))
		if line != "" {
			must(0, s.PutCauseLine(c, l.ID, line))
		}
		return j
	}
	flaky := mk(r, "u1", "lint", "log u1", "error: 100% of widgets broke")
	newer := mk(r, "u2", "build", "log u2", "error: 100% of widgets broke")
	undecided := mk(r, "u3", "unit_tests", "log u3", "")
	elsewhere := mk(other, "u4", "build", "log u4", "panic: nil map")
	must(0, s.RecordVerdicts(c, []store.JobVerdict{
		{JobID: flaky.ID, RepoID: r.ID, SHA: "abc", Verdict: "flaky", Explained: true, DecidedAt: time.Now()},
		{JobID: newer.ID, RepoID: r.ID, SHA: "abc", Verdict: "new", DecidedAt: time.Now()},
		{JobID: elsewhere.ID, RepoID: other.ID, SHA: "abc", Verdict: "new", DecidedAt: time.Now()},
	}))
	ids := func(us []store.UnexplainedJob) []int64 {
		var out []int64
		for _, u := range us {
			out = append(out, u.ID)
		}
		return out
	}
	all, next := must2(s.UnexplainedFailures(c, store.UnexplainedFilter{Audience: store.Everyone}, store.Page{}))
	if !slices.Equal(ids(all), []int64{elsewhere.ID, undecided.ID, newer.ID}) || next != "" {
		t.Fatalf("unexplained %v (next %q), want newest first without the flaky one", ids(all), next)
	}
	if all[2].CauseLine != "error: 100% of widgets broke" || !all[2].HasCauseLine || all[1].HasCauseLine {
		t.Errorf("cause lines: %+v", all)
	}
	first, next := must2(s.UnexplainedFailures(c, store.UnexplainedFilter{Audience: store.Everyone}, store.Page{Limit: 2}))
	second, last := must2(s.UnexplainedFailures(c, store.UnexplainedFilter{Audience: store.Everyone}, store.Page{Limit: 2, After: next}))
	if len(first) != 2 || next == "" || !slices.Equal(ids(second), []int64{newer.ID}) || last != "" {
		t.Errorf("pages %v then %v (cursor %q, last %q)", ids(first), ids(second), next, last)
	}
	for _, tc := range []struct {
		search string
		want   []int64
	}{
		{"WIDGETS", []int64{newer.ID}},
		{"100%", []int64{newer.ID}},
		{"0% of", []int64{newer.ID}},
		{"%", []int64{newer.ID}},
		{"unit_", []int64{undecided.ID}},
		{"unit%", nil}, // a wildcard in the search is a literal character
		{"nil map", []int64{elsewhere.ID}},
	} {
		got, _ := must2(s.UnexplainedFailures(c, store.UnexplainedFilter{Audience: store.Everyone, Search: tc.search}, store.Page{}))
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("search %q: %v, want %v", tc.search, ids(got), tc.want)
		}
	}
	if got, _ := must2(s.UnexplainedFailures(c, store.UnexplainedFilter{Audience: store.Audience{Repos: []int64{r.ID}}}, store.Page{})); !slices.Equal(ids(got), []int64{undecided.ID, newer.ID}) {
		t.Errorf("audience o/r: %v", ids(got))
	}
	if got, _ := must2(s.UnexplainedFailures(c, store.UnexplainedFilter{Audience: store.Everyone, RepoID: other.ID}, store.Page{})); !slices.Equal(ids(got), []int64{elsewhere.ID}) {
		t.Errorf("repository o/other: %v", ids(got))
	}
	if got, _ := must2(s.UnexplainedFailures(c, store.UnexplainedFilter{}, store.Page{})); len(got) != 0 {
		t.Errorf("nobody's audience sees %v", ids(got))
	}
}
