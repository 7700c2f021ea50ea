package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

// testFailureHistories: a log's cause shape key is kept once; a shape key's and a pattern's
// history count the audience's jobs only, oldest first and newest listed, a job re-run on the same
// log counting again.
//
//	o/a: j1 (day 1, sig s, pattern) j2 (day 2, sig s, pattern) j3 (day 3, the log of j1 again)
//	     j4 (day 4, sig t)          j5 (day 5, success, pattern)
//	o/b: j6 (day 6, sig s, pattern)
func testFailureHistories(t *testing.T, s store.Store) {
	c := ctx(t)
	a, b := repo(t, s, "o/a"), repo(t, s, "o/b")
	pid := must(s.AddPatterns(c, []store.Pattern{pattern("boom", "boom")}, "seed"))[0].ID
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	add := func(r store.Repository, l store.Log, concl string) store.Job {
		n++
		at := day.AddDate(0, 0, n)
		return must(s.UpsertJob(c, store.Job{Provider: "ingest", ExternalID: fmt.Sprint(n), Attempt: 1, RepoID: r.ID,
			SHA: fmt.Sprintf("%040d", n), Name: "test", Conclusion: concl, LogID: &l.ID, LogState: store.LogStored, CompletedAt: &at}))
	}
	logs := map[string]store.Log{}
	for _, name := range []string{"l1", "l2", "l4", "l5", "l6"} {
		logs[name] = putLog(t, s, "history log "+name)
	}
	j1 := add(a, logs["l1"], "failure")
	add(a, logs["l2"], "failure")
	j3 := add(a, logs["l1"], "failure")
	add(a, logs["l4"], "failure")
	add(a, logs["l5"], "success")
	j6 := add(b, logs["l6"], "failure")
	for _, l := range []string{"l1", "l2", "l5", "l6"} {
		for _, p := range must(s.PendingScans(c, 0, 0)) {
			if p.LogID == logs[l].ID && !must(s.RecordScan(c, p, []patterns.Match{{PatternID: pid, Line: 3, End: 4, Text: "boom"}})) {
				t.Fatalf("RecordScan of %s lost a race to nobody", l)
			}
		}
	}

	if _, _, ok := must3(s.CauseShape(c, logs["l1"].ID)); ok {
		t.Fatal("a shape key before any was recorded")
	}
	for l, sig := range map[string]string{"l1": "s", "l2": "s", "l4": "t", "l6": "s", "l5": ""} {
		if err := s.PutCauseShape(c, logs[l].ID, 40, sig); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutCauseShape(c, logs["l1"].ID, 7, "other"); err != nil {
		t.Fatal(err)
	}
	if line, sig, ok := must3(s.CauseShape(c, logs["l1"].ID)); !ok || line != 40 || sig != "s" {
		t.Errorf("shape key of l1 = %d %q %t, want the first recorded (40, s)", line, sig, ok)
	}

	check := func(what string, h store.FailureHistory, total int, first, newest int64, listed int) {
		t.Helper()
		if h.Total != total || len(h.Recent) != listed {
			t.Fatalf("%s: %d jobs, %d listed; want %d, %d", what, h.Total, len(h.Recent), total, listed)
		}
		if total == 0 {
			if h.First != nil {
				t.Errorf("%s: a first job in an empty history", what)
			}
			return
		}
		if h.First == nil || h.First.JobID != first || h.Recent[0].JobID != newest {
			t.Errorf("%s: first %+v, newest %+v; want jobs %d and %d", what, h.First, h.Recent[0], first, newest)
		}
		if r := h.Recent[0]; r.Repo == "" || r.SHA == "" || r.Name != "test" || r.CompletedAt == nil {
			t.Errorf("%s: a row lacks repository, commit, job or time: %+v", what, r)
		}
	}
	onlyA := store.Audience{Repos: []int64{a.ID}}
	check("shape key s in o/a", must(s.ShapeHistory(c, "s", onlyA, 10)), 3, j1.ID, j3.ID, 3)
	check("shape key s everywhere", must(s.ShapeHistory(c, "s", store.Everyone, 2)), 4, j1.ID, j6.ID, 2)
	check("shape key s, nobody", must(s.ShapeHistory(c, "s", store.Audience{}, 10)), 0, 0, 0, 0)
	check("no shape key", must(s.ShapeHistory(c, "", store.Everyone, 10)), 0, 0, 0, 0)
	// The pattern's history: failed jobs only (j5 succeeded).
	check("pattern in o/a", must(s.PatternHistory(c, pid, onlyA, 10)), 3, j1.ID, j3.ID, 3)
	check("pattern everywhere", must(s.PatternHistory(c, pid, store.Everyone, 1)), 4, j1.ID, j6.ID, 1)
}

func must3[A, B, C any](a A, b B, c C, err error) (A, B, C) {
	if err != nil {
		panic(failure{err})
	}
	return a, b, c
}
