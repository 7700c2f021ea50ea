package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

// RunInsights checks the UI queries on a small known history; open must return a fresh, empty,
// migrated store that also implements store.Insights.
func RunInsights(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s insightsStore, w world)
	}{
		{"PatternFrequency", testPatternFrequency},
		{"PatternMatches", testPatternMatches},
		{"UnmatchedFailures", testUnmatchedFailures},
		{"BranchGrid", testBranchGrid},
		{"AnnotationsCovering", testAnnotationsCovering},
		{"PatternStats", testPatternStats},
	}
	for _, tc := range tests {
		subtest(t, tc.name, func(t *testing.T) {
			st := open(t)
			s, ok := st.(insightsStore)
			if !ok {
				t.Fatalf("%T does not implement store.Insights", st)
			}
			tc.fn(t, s, seedInsights(t, s))
		})
	}
}

type insightsStore interface {
	store.Store
	store.Insights
}

// t0 is a Monday, so day and week buckets are easy to read.
var t0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// world names what seedInsights stored.
type world struct {
	repoA, repoB     store.Repository
	oom, timeout     store.Pattern // tagged flaky; known-problem
	unused           store.Pattern
	jobs             map[string]store.Job
	fix, all, tests_ store.Annotation
}

// seedInsights stores a small history through the Store API (so the insights tables are filled
// by the same paths as in production, matches before and after their jobs):
//
//	job  repo branch  sha name      concl.   completed   log  matches
//	j1   a    main    c1  build     failure  t0+1h       L1   oom@3, oom@7, timeout@9
//	j10  a    main    c1  test      failure  t0+1h30m    —    (log unavailable)
//	j2   a    main    c2  build     failure  t0+1d1h     L2   oom@1
//	j2b  a    main    c2  build #2  success  t0+1d3h     —
//	j3   a    main    c2  test      success  t0+1d2h     L3   oom@5 (was failure when scanned)
//	j5   a    main    c3  test      failure  t0+2d       L5   —
//	j8   a    main    c3  build     success  t0+2d30m    —
//	j6   a    feature f1  lint      failure  t0+2d1h     L6   oom@2
//	j7   a    feature f1  lint #2   failure  t0+2d3h     L6   (same log, stored after the scan)
//	j4   b    main    d1  build     failure  t0+8d       L4   timeout@1, @2, @3
//	j9   b    main    d2  test      failure  t0+9d       L7   —
//	j11  b    feature x1  lint      failure  t0+8d       L2   (log linked by SetJobLog after the scan)
func seedInsights(t *testing.T, s insightsStore) world {
	c := ctx(t)
	w := world{repoA: repo(t, s, "o/a"), repoB: repo(t, s, "o/b"), jobs: map[string]store.Job{}}
	changes := must(s.AddPatterns(c, []store.Pattern{
		pattern("oom", "Killed: out of memory", "flaky"),
		pattern("timeout", "context deadline exceeded", "known-problem"),
		pattern("unused", "never in any log"),
	}, "seed"))
	w.oom = must(s.Pattern(c, changes[0].ID))
	w.timeout = must(s.Pattern(c, changes[1].ID))
	w.unused = must(s.Pattern(c, changes[2].ID))
	logs := map[string]store.Log{}
	for _, name := range []string{"L1", "L2", "L3", "L4", "L5", "L6", "L7"} {
		logs[name] = putLog(t, s, "insights log "+name)
	}
	addJob := func(key string, r store.Repository, branch, sha, name string, attempt int, concl string, at time.Duration, log string) {
		j := store.Job{Provider: "ingest", ExternalID: key, Attempt: attempt, RepoID: r.ID, SHA: sha, Branch: branch,
			Name: name, Conclusion: concl, LogState: store.LogPending}
		done := t0.Add(at)
		j.CompletedAt = &done
		if log != "" {
			id := logs[log].ID
			j.LogID, j.LogState = &id, store.LogStored
		}
		w.jobs[key] = must(s.UpsertJob(c, j))
	}
	const h, d = time.Hour, 24 * time.Hour
	addJob("j1", w.repoA, "main", "c1", "build", 1, "failure", h, "L1")
	addJob("j10", w.repoA, "main", "c1", "test", 1, "failure", h+30*time.Minute, "")
	must(0, s.SetJobLog(c, w.jobs["j10"].ID, nil, store.LogUnavailable, "expired"))
	addJob("j2", w.repoA, "main", "c2", "build", 1, "failure", d+h, "L2")
	addJob("j2b", w.repoA, "main", "c2", "build", 2, "success", d+3*h, "")
	addJob("j3", w.repoA, "main", "c2", "test", 1, "failure", d+2*h, "L3")
	addJob("j5", w.repoA, "main", "c3", "test", 1, "failure", 2*d, "L5")
	addJob("j8", w.repoA, "main", "c3", "build", 1, "success", 2*d+30*time.Minute, "")
	addJob("j6", w.repoA, "feature", "f1", "lint", 1, "failure", 2*d+h, "L6")
	addJob("j4", w.repoB, "main", "d1", "build", 1, "failure", 8*d, "L4")
	addJob("j9", w.repoB, "main", "d2", "test", 1, "failure", 9*d, "L7")
	addJob("j11", w.repoB, "feature", "x1", "lint", 1, "failure", 8*d, "")

	m := func(p store.Pattern, line int) patterns.Match {
		return patterns.Match{PatternID: p.ID, Pattern: p.Name, Line: line, Start: 0, End: 5, Text: fmt.Sprintf("%s at line %d", p.Name, line)}
	}
	found := map[string][]patterns.Match{
		"L1": {m(w.oom, 3), m(w.oom, 7), m(w.timeout, 9)},
		"L2": {m(w.oom, 1)},
		"L3": {m(w.oom, 5)},
		"L6": {m(w.oom, 2)},
		"L4": {m(w.timeout, 1), m(w.timeout, 2), m(w.timeout, 3)},
	}
	pending := map[int64]store.PendingScan{}
	for _, p := range must(s.PendingScans(c, 0, 0)) {
		pending[p.LogID] = p
	}
	// Scanned in this order, so match ids grow in it.
	for _, name := range []string{"L1", "L2", "L3", "L6", "L4", "L5", "L7"} {
		p, ok := pending[logs[name].ID]
		if !ok {
			t.Fatalf("log %s is not pending a scan", name)
		}
		if !must(s.RecordScan(c, p, found[name])) {
			t.Fatalf("RecordScan of %s: lost the race to nobody", name)
		}
	}
	// After the scan: a rerun sharing a scanned log, and a conclusion that changed.
	addJob("j7", w.repoA, "feature", "f1", "lint", 2, "failure", 2*d+3*h, "L6")
	addJob("j3", w.repoA, "main", "c2", "test", 1, "success", d+2*h, "L3")
	l2 := logs["L2"].ID
	must(0, s.SetJobLog(c, w.jobs["j11"].ID, &l2, store.LogStored, ""))

	w.fix = must(s.OpenAnnotation(c, store.Annotation{RepoID: w.repoA.ID, JobGlob: "build", FromSHA: "c2", Reason: "broken by #1", CreatedBy: "alice"}))
	must(s.CloseAnnotation(c, w.repoA.ID, "build", "c3", "alice"))
	w.fix = annotationByID(t, s, w.repoA.ID, w.fix.ID)
	w.all = must(s.OpenAnnotation(c, store.Annotation{RepoID: w.repoA.ID, JobGlob: "*", FromSHA: "c3", Reason: "runner image", CreatedBy: "bob"}))
	w.tests_ = must(s.OpenAnnotation(c, store.Annotation{RepoID: w.repoA.ID, JobGlob: "TEST*", FromSHA: "c1", Reason: "flaky db", CreatedBy: "carol"}))
	must(s.CloseAnnotation(c, w.repoA.ID, "TEST*", "c2", "carol"))
	w.tests_ = annotationByID(t, s, w.repoA.ID, w.tests_.ID)
	return w
}

func annotationByID(t *testing.T, s store.Store, repoID, id int64) store.Annotation {
	t.Helper()
	for _, a := range must(s.Annotations(ctx(t), repoID, false)) {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("annotation %d not found", id)
	return store.Annotation{}
}

func testPatternFrequency(t *testing.T, s insightsStore, w world) {
	const d = 24 * time.Hour
	b := func(p store.Pattern, day time.Duration, jobs, matches int64) store.FrequencyBucket {
		return store.FrequencyBucket{PatternID: p.ID, Start: t0.Add(day), Jobs: jobs, Matches: matches}
	}
	all := store.FrequencyFilter{Audience: store.Everyone, From: t0, To: t0.Add(14 * d)}
	tests := []struct {
		name string
		f    func(f store.FrequencyFilter) store.FrequencyFilter
		want []store.FrequencyBucket
	}{
		{"by day", func(f store.FrequencyFilter) store.FrequencyFilter { return f },
			[]store.FrequencyBucket{b(w.oom, 0, 1, 2), b(w.oom, d, 2, 2), b(w.oom, 2*d, 2, 2), b(w.oom, 8*d, 1, 1), b(w.timeout, 0, 1, 1), b(w.timeout, 8*d, 1, 3)}},
		{"by week", func(f store.FrequencyFilter) store.FrequencyFilter { f.Interval = store.Week; return f },
			[]store.FrequencyBucket{b(w.oom, 0, 5, 6), b(w.oom, 7*d, 1, 1), b(w.timeout, 0, 1, 1), b(w.timeout, 7*d, 1, 3)}},
		{"repo", func(f store.FrequencyFilter) store.FrequencyFilter { f.RepoID = w.repoB.ID; return f },
			[]store.FrequencyBucket{b(w.oom, 8*d, 1, 1), b(w.timeout, 8*d, 1, 3)}},
		{"job", func(f store.FrequencyFilter) store.FrequencyFilter { f.JobName = "build"; return f },
			[]store.FrequencyBucket{b(w.oom, 0, 1, 2), b(w.oom, d, 1, 1), b(w.timeout, 0, 1, 1), b(w.timeout, 8*d, 1, 3)}},
		{"tag", func(f store.FrequencyFilter) store.FrequencyFilter { f.Tag = "known-problem"; return f },
			[]store.FrequencyBucket{b(w.timeout, 0, 1, 1), b(w.timeout, 8*d, 1, 3)}},
		{"pattern and range", func(f store.FrequencyFilter) store.FrequencyFilter {
			f.PatternIDs, f.From, f.To = []int64{w.oom.ID}, t0.Add(d), t0.Add(2*d)
			return f
		}, []store.FrequencyBucket{b(w.oom, d, 2, 2)}},
	}
	for _, tt := range tests {
		got := must(s.PatternFrequency(ctx(t), tt.f(all)))
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
	if _, err := s.PatternFrequency(ctx(t), store.FrequencyFilter{Audience: store.Everyone}); err == nil {
		t.Error("PatternFrequency without a time range: want an error")
	}
	if _, err := s.PatternFrequency(ctx(t), store.FrequencyFilter{Audience: store.Everyone, From: t0, To: t0.Add(d), Interval: "month"}); err == nil {
		t.Error("PatternFrequency by month: want an error")
	}
}

func testPatternMatches(t *testing.T, s insightsStore, w world) {
	type row struct {
		log  int64
		line int
		jobs string
	}
	jobNames := func(pm store.PatternMatch) string {
		var out string
		for _, j := range pm.Jobs {
			for k, v := range w.jobs {
				if v.ID == j.JobID {
					out += k + "(" + j.Repo + " " + j.Name + " " + j.Conclusion + ") "
				}
			}
		}
		return out
	}
	var got []row
	var pages []int
	page := store.Page{Limit: 2}
	for range 5 {
		ms, next := must2(s.PatternMatches(ctx(t), w.oom.ID, store.Everyone, page))
		pages = append(pages, len(ms))
		for _, pm := range ms {
			if pm.PatternID != w.oom.ID || pm.Pattern != "oom" || pm.Text != fmt.Sprintf("oom at line %d", pm.Line) {
				t.Errorf("match %+v: wrong pattern or text", pm.Match)
			}
			got = append(got, row{pm.LogID, pm.Line, jobNames(pm)})
		}
		if next == "" {
			break
		}
		page.After = next
	}
	l := func(key string) int64 { return *w.jobs[key].LogID }
	want := []row{
		{l("j7"), 2, "j7(o/a lint failure) j6(o/a lint failure) "},
		{l("j3"), 5, "j3(o/a test success) "},
		{l("j2"), 1, "j11(o/b lint failure) j2(o/a build failure) "},
		{l("j1"), 7, "j1(o/a build failure) "},
		{l("j1"), 3, "j1(o/a build failure) "},
	}
	if !slices.Equal(got, want) {
		t.Errorf("matches of oom, newest first:\n got %+v\nwant %+v", got, want)
	}
	if !slices.Equal(pages, []int{2, 2, 1}) {
		t.Errorf("page sizes %v, want [2 2 1]", pages)
	}
	if ms, next := must2(s.PatternMatches(ctx(t), w.unused.ID, store.Everyone, store.Page{})); len(ms) != 0 || next != "" {
		t.Errorf("matches of an unmatched pattern: %d, cursor %q", len(ms), next)
	}
	if _, _, err := s.PatternMatches(ctx(t), w.oom.ID, store.Everyone, store.Page{After: "not-a-cursor"}); err == nil {
		t.Error("a forged cursor: want an error")
	}
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(failure{err})
	}
	return a, b
}

func testUnmatchedFailures(t *testing.T, s insightsStore, w world) {
	ids := func(js []store.Job) []int64 {
		var out []int64
		for _, j := range js {
			out = append(out, j.ID)
		}
		return out
	}
	all, next := must2(s.UnmatchedFailures(ctx(t), 0, store.Page{}))
	if want := []int64{w.jobs["j9"].ID, w.jobs["j5"].ID}; !slices.Equal(ids(all), want) || next != "" {
		t.Errorf("unmatched failures: %v (cursor %q), want %v", ids(all), next, want)
	}
	if len(all) == 2 && (all[1].Name != "test" || all[1].SHA != "c3" || all[1].LogState != store.LogStored || all[1].CompletedAt == nil) {
		t.Errorf("unmatched failure j5 read back as %+v", all[1])
	}
	first, next := must2(s.UnmatchedFailures(ctx(t), 0, store.Page{Limit: 1}))
	second, last := must2(s.UnmatchedFailures(ctx(t), 0, store.Page{Limit: 1, After: next}))
	if !slices.Equal(ids(first), []int64{w.jobs["j9"].ID}) || !slices.Equal(ids(second), []int64{w.jobs["j5"].ID}) || last != "" {
		t.Errorf("paged by one: %v then %v (cursor %q)", ids(first), ids(second), last)
	}
	inA, _ := must2(s.UnmatchedFailures(ctx(t), w.repoA.ID, store.Page{}))
	if want := []int64{w.jobs["j5"].ID}; !slices.Equal(ids(inA), want) {
		t.Errorf("unmatched failures of o/a: %v, want %v", ids(inA), want)
	}
}

func testBranchGrid(t *testing.T, s insightsStore, w world) {
	id := func(k string) int64 { return w.jobs[k].ID }
	g := must(s.BranchGrid(ctx(t), w.repoA.ID, "main", 2, time.Time{}))
	if !slices.Equal(g.Jobs, []string{"build", "test"}) {
		t.Errorf("grid jobs %v, want [build test]", g.Jobs)
	}
	want := []store.GridCommit{
		{SHA: "c3", At: t0.Add(48*time.Hour + 30*time.Minute), Cells: map[string]store.GridCell{
			"build": {JobID: id("j8"), Conclusion: "success", Attempts: 1},
			"test":  {JobID: id("j5"), Conclusion: "failure", Attempts: 1}}},
		{SHA: "c2", At: t0.Add(27 * time.Hour), Cells: map[string]store.GridCell{
			"build": {JobID: id("j2b"), Conclusion: "success", Attempts: 2},
			"test":  {JobID: id("j3"), Conclusion: "success", Attempts: 1}}},
	}
	if fmt.Sprint(g.Commits) != fmt.Sprint(want) {
		t.Errorf("grid of o/a main, 2 commits:\n got %+v\nwant %+v", g.Commits, want)
	}
	if g := must(s.BranchGrid(ctx(t), w.repoA.ID, "main", 10, time.Time{})); len(g.Commits) != 3 || g.Commits[2].SHA != "c1" ||
		g.Commits[2].Cells["test"].Conclusion != "failure" {
		t.Errorf("grid of o/a main, 10 commits: %+v", g.Commits)
	}
	// since keeps the commits whose latest completion is at or after it: c3 (and c2, exactly at it).
	if g := must(s.BranchGrid(ctx(t), w.repoA.ID, "main", 10, t0.Add(27*time.Hour))); len(g.Commits) != 2 || g.Commits[1].SHA != "c2" {
		t.Errorf("grid of o/a main since c2: %+v", g.Commits)
	}
	if g := must(s.BranchGrid(ctx(t), w.repoA.ID, "main", 10, t0.Add(27*time.Hour+time.Second))); len(g.Commits) != 1 || g.Commits[0].SHA != "c3" {
		t.Errorf("grid of o/a main after c2: %+v", g.Commits)
	}
	if g := must(s.BranchGrid(ctx(t), w.repoA.ID, "nope", 10, time.Time{})); len(g.Commits) != 0 || len(g.Jobs) != 0 {
		t.Errorf("grid of an unknown branch: %+v", g)
	}

	// A commit with more jobs than one read batch, all finished in the same instant, must not
	// hide the commits before it.
	r := repo(t, s, "o/wide")
	at := t0.Add(time.Hour)
	for i := range 130 {
		must(s.UpsertJob(ctx(t), store.Job{Provider: "ingest", ExternalID: fmt.Sprintf("wide-%d", i), RepoID: r.ID,
			SHA: "new", Branch: "main", Name: fmt.Sprintf("shard %03d", i), Conclusion: "success", CompletedAt: &at}))
	}
	before := t0
	must(s.UpsertJob(ctx(t), store.Job{Provider: "ingest", ExternalID: "wide-old", RepoID: r.ID, SHA: "old",
		Branch: "main", Name: "shard 000", Conclusion: "failure", CompletedAt: &before}))
	g = must(s.BranchGrid(ctx(t), r.ID, "main", 2, time.Time{}))
	if len(g.Commits) != 2 || g.Commits[0].SHA != "new" || g.Commits[1].SHA != "old" || len(g.Jobs) != 130 ||
		len(g.Commits[0].Cells) != 130 || g.Commits[1].Cells["shard 000"].Conclusion != "failure" {
		t.Errorf("grid of a wide commit: %d commits, %d jobs", len(g.Commits), len(g.Jobs))
	}
}

func testAnnotationsCovering(t *testing.T, s insightsStore, w world) {
	tests := []struct {
		job, sha string
		want     []int64
	}{
		{"build", "c1", nil},
		{"build", "c2", []int64{w.fix.ID}},                // from is covered
		{"build", "c3", []int64{w.all.ID}},                // to is not; the open "*" starts there
		{"test-unit", "c1", []int64{w.tests_.ID}},         // glob is case-insensitive
		{"test", "c2", nil},                               // closed at c2
		{"test", "c3", []int64{w.all.ID}},                 // open annotation, from c3 on
		{"build", "f1", []int64{w.all.ID}},                // f1 was first seen after c3
		{"build", "never-built", nil},                     // no jobs: cannot be placed
		{"lint", "c3", []int64{w.all.ID}},                 //
		{"build", "d1", nil},                              // another repository's commit
		{"anything", "c2", nil},                           //
		{"TEST", "c1", []int64{w.tests_.ID}},              //
		{"build (ubuntu, 3.12)", "c2", nil},               // exact glob "build" does not match
		{"build (ubuntu, 3.12)", "c3", []int64{w.all.ID}}, //
	}
	for _, tt := range tests {
		got := must(s.AnnotationsCovering(ctx(t), w.repoA.ID, tt.job, tt.sha))
		var ids []int64
		for _, a := range got {
			ids = append(ids, a.ID)
		}
		if !slices.Equal(ids, tt.want) {
			t.Errorf("annotations covering %s@%s: %v, want %v", tt.job, tt.sha, ids, tt.want)
		}
	}
	got := must(s.AnnotationsCovering(ctx(t), w.repoA.ID, "build", "c2"))
	if len(got) == 1 && (got[0].Reason != "broken by #1" || got[0].ToSHA == nil || *got[0].ToSHA != "c3" || got[0].ClosedBy != "alice") {
		t.Errorf("annotation read back as %+v", got[0])
	}
}

func testPatternStats(t *testing.T, s insightsStore, w world) {
	last := func(d time.Duration) *time.Time { at := t0.Add(d); return &at }
	want := []store.PatternStat{
		{PatternID: w.oom.ID, Name: "oom", Matches7d: 3, Matches30d: 7, Matches: 7, Jobs: 6, SuccessJobs: 1, LastSeen: last(8 * 24 * time.Hour)},
		{PatternID: w.timeout.ID, Name: "timeout", Matches7d: 3, Matches30d: 4, Matches: 4, Jobs: 2, LastSeen: last(8 * 24 * time.Hour)},
		{PatternID: w.unused.ID, Name: "unused"},
	}
	got := must(s.PatternStats(ctx(t), t0.Add(9*24*time.Hour), store.Everyone))
	if fmt.Sprint(derefStats(got)) != fmt.Sprint(derefStats(want)) {
		t.Errorf("pattern stats:\n got %v\nwant %v", derefStats(got), derefStats(want))
	}
	// Later, everything has aged out of the 7-day window and most of the 30-day one.
	got = must(s.PatternStats(ctx(t), t0.Add(33*24*time.Hour), store.Everyone))
	if len(got) != 3 || got[0].Matches7d != 0 || got[0].Matches30d != 1 || got[0].Matches != 7 || got[1].Matches30d != 3 {
		t.Errorf("pattern stats 33 days on: %v", derefStats(got))
	}
}

// derefStats prints LastSeen by value so two stat lists compare with fmt.
func derefStats(ss []store.PatternStat) []string {
	var out []string
	for _, s := range ss {
		seen := "never"
		if s.LastSeen != nil {
			seen = s.LastSeen.UTC().Format(time.RFC3339)
		}
		s.LastSeen = nil
		out = append(out, fmt.Sprintf("%+v last=%s", s, seen))
	}
	return out
}
