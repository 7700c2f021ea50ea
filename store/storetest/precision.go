package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

// precisionStore is a store with the rerun-evidence queries.
type precisionStore interface {
	store.Store
	store.PrecisionQuerier
	store.AnnotationExpirer
}

// RunPrecision checks PatternPrecision and ExpireKnownBroken on a small known history; open must
// return a fresh, empty, migrated store that also implements store.PrecisionQuerier and
// store.AnnotationExpirer.
func RunPrecision(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s precisionStore)
	}{
		{"PatternPrecision", testPatternPrecision},
		{"ExpireKnownBroken", testExpireKnownBroken},
	}
	for _, tc := range tests {
		subtest(t, tc.name, func(t *testing.T) {
			st := open(t)
			s, ok := st.(precisionStore)
			if !ok {
				t.Fatalf("%T does not implement store.PrecisionQuerier and store.AnnotationExpirer", st)
			}
			tc.fn(t, s)
		})
	}
}

// testPatternPrecision stores reruns whose outcomes confirm or refute the flaky pattern:
//
//	repo a, commit c1: test#1 fails (flaky), test#2 passes           -> confirmed flaky
//	        commit c2: test#1 fails (flaky), test#2 fails (flaky)    -> #1 confirmed not flaky
//	        commit c3: test#1 fails (flaky), test#2 fails (other)    -> neither: another failure
//	        commit c4: build#1 succeeds with the flaky line          -> on success
//	        commit c5: test#1, #2 fail (flaky), test#3 passes        -> both confirmed flaky
//	repo b, commit d1: test#1 fails (flaky), test#2 passes           -> confirmed flaky
func testPatternPrecision(t *testing.T, s precisionStore) {
	c := ctx(t)
	a, b := repo(t, s, "o/a"), repo(t, s, "o/b")
	ch := must(s.AddPatterns(c, []store.Pattern{pattern("mirror", "Hash Sum mismatch", "flaky"), pattern("other", "segfault")}, "seed"))
	flaky, other := ch[0].ID, ch[1].ID
	n := 0
	add := func(r store.Repository, sha, name string, attempt int, concl string, pids ...int64) {
		n++
		j := store.Job{Provider: "ingest", ExternalID: fmt.Sprintf("%s-%s", sha, name), Attempt: attempt, RepoID: r.ID,
			SHA: sha, Name: name, Conclusion: concl, LogState: store.LogPending}
		if len(pids) > 0 {
			l := putLog(t, s, fmt.Sprintf("precision log %d", n))
			j.LogID, j.LogState = &l.ID, store.LogStored
			var ms []patterns.Match
			for _, pid := range pids {
				ms = append(ms, patterns.Match{PatternID: pid, Line: 1, End: 4, Text: "line"})
			}
			must(s.UpsertJob(c, j))
			for _, p := range must(s.PendingScans(c, 0, 0)) {
				if p.LogID == l.ID && !must(s.RecordScan(c, p, ms)) {
					t.Fatalf("RecordScan of log %d lost a race to nobody", l.ID)
				}
			}
			return
		}
		must(s.UpsertJob(c, j))
	}
	add(a, "c1", "test", 1, "failure", flaky)
	add(a, "c1", "test", 2, "success")
	add(a, "c2", "test", 1, "failure", flaky)
	add(a, "c2", "test", 2, "failure", flaky)
	add(a, "c3", "test", 1, "failure", flaky)
	add(a, "c3", "test", 2, "failure", other)
	add(a, "c4", "build", 1, "success", flaky)
	add(a, "c5", "test", 1, "failure", flaky)
	add(a, "c5", "test", 2, "failure", flaky)
	add(a, "c5", "test", 3, "success")
	add(b, "d1", "test", 1, "failure", flaky)
	add(b, "d1", "test", 2, "success")

	tests := []struct {
		repo int64
		want []store.PatternPrecision
	}{
		{a.ID, []store.PatternPrecision{
			{PatternID: flaky, Hits: 7, OnSuccess: 1, ConfirmedFlaky: 3, ConfirmedNotFlaky: 1},
			{PatternID: other, Hits: 1},
		}},
		{0, []store.PatternPrecision{
			{PatternID: flaky, Hits: 8, OnSuccess: 1, ConfirmedFlaky: 4, ConfirmedNotFlaky: 1},
			{PatternID: other, Hits: 1},
		}},
		{b.ID, []store.PatternPrecision{{PatternID: flaky, Hits: 1, ConfirmedFlaky: 1}}},
	}
	for _, tc := range tests {
		aud := store.Audience{Repos: []int64{tc.repo}}
		if tc.repo == 0 {
			aud = store.Everyone
		}
		got := must(s.PatternPrecision(c, aud, nil))
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("PatternPrecision(repo %d) =\n%+v\nwant\n%+v", tc.repo, got, tc.want)
		}
		// Asked for one pattern, the same record, its reruns included; asked for none, none.
		if got := must(s.PatternPrecision(c, aud, []int64{flaky})); !reflect.DeepEqual(got, tc.want[:1]) {
			t.Errorf("PatternPrecision(repo %d, flaky only) =\n%+v\nwant\n%+v", tc.repo, got, tc.want[:1])
		}
		// Asked for every pattern by id (the query that starts from the hits), the same records
		// as asked for all of them (the one that starts from the reruns).
		if got := must(s.PatternPrecision(c, aud, []int64{flaky, other})); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("PatternPrecision(repo %d, both by id) =\n%+v\nwant\n%+v", tc.repo, got, tc.want)
		}
		if got, want := must(s.PatternPrecision(c, aud, []int64{other})), tc.want[1:]; len(got)+len(want) > 0 && !reflect.DeepEqual(got, want) {
			t.Errorf("PatternPrecision(repo %d, other only) =\n%+v\nwant\n%+v", tc.repo, got, want)
		}
		if got := must(s.PatternPrecision(c, aud, []int64{})); len(got) != 0 {
			t.Errorf("PatternPrecision(repo %d, no pattern) = %+v, want none", tc.repo, got)
		}
	}
}

// testExpireKnownBroken: "lint*" was marked broken; it fails once, then passes on main commit by
// commit. The annotation closes at the first passing commit once the third passes, not before;
// passes on another branch do not count, and an annotation with no history stays open.
func testExpireKnownBroken(t *testing.T, s precisionStore) {
	c := ctx(t)
	r := repo(t, s, "o/k")
	lint := must(s.OpenAnnotation(c, store.Annotation{RepoID: r.ID, JobGlob: "lint*", FromSHA: "m0", Reason: "broken by #9", CreatedBy: "alice"}))
	quiet := must(s.OpenAnnotation(c, store.Annotation{RepoID: r.ID, JobGlob: "deploy", FromSHA: "m0", CreatedBy: "bob"}))
	start := time.Now().UTC().Add(time.Minute)
	k := 0
	add := func(branch, sha, name, concl string) {
		k++
		at := start.Add(time.Duration(k) * time.Minute)
		must(s.UpsertJob(c, store.Job{Provider: "ingest", ExternalID: fmt.Sprintf("k%d", k), Attempt: 1, RepoID: r.ID,
			SHA: sha, Branch: branch, Name: name, Conclusion: concl, StartedAt: &at, CompletedAt: &at}))
	}
	add("main", "m1", "lint", "failure")
	add("main", "m2", "lint", "success")
	add("main", "m2", "lint-go", "success")
	add("feature", "f1", "lint", "success")
	add("main", "m3", "lint", "success")
	add("main", "m3", "test", "failure") // not covered by the glob
	if got := must(s.ExpireKnownBroken(c, r.ID, "main", 3, "totto")); len(got) != 0 {
		t.Fatalf("closed after two passing commits: %+v", got)
	}
	add("main", "m4", "lint", "success")
	got := must(s.ExpireKnownBroken(c, r.ID, "main", 3, "totto"))
	if len(got) != 1 || got[0].ID != lint.ID || got[0].ToSHA == nil || *got[0].ToSHA != "m2" {
		t.Fatalf("ExpireKnownBroken = %+v, want annotation %d closed at m2", got, lint.ID)
	}
	open := must(s.Annotations(c, r.ID, true))
	if len(open) != 1 || open[0].ID != quiet.ID {
		t.Fatalf("open annotations %+v, want only %d", open, quiet.ID)
	}
	if again := must(s.ExpireKnownBroken(c, r.ID, "main", 3, "totto")); len(again) != 0 {
		t.Fatalf("closed twice: %+v", again)
	}
}
