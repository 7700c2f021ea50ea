package verdicts_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/verdicts"
)

// A flaky pattern's verdict is decided again when reruns later refute the pattern: its kept
// verdict goes stale once the demotion changes, and deciding it again calls the job new. An
// unchanged record marks nothing.
func TestDemotionChangeDecidesAgain(t *testing.T) {
	eachBackend(t, func(t *testing.T, st store.Store) {
		ctx := t.Context()
		now := func() time.Time { return time.Now() }
		r, err := st.UpsertRepository(ctx, store.Repository{FullName: "acme/widgets", Active: true})
		if err != nil {
			t.Fatal(err)
		}
		l, err := st.PutLog(ctx, store.Log{SHA256: strings.Repeat("cd", 32), RawSize: 1, Lines: 1, StorageKey: "k"})
		if err != nil {
			t.Fatal(err)
		}
		mk := func(sha string, attempt int) store.Job {
			j, err := st.UpsertJob(ctx, store.Job{Provider: "github-actions", ExternalID: sha + "-" + string(rune('0'+attempt)), Attempt: attempt,
				RepoID: r.ID, SHA: sha, Name: "test", Conclusion: "failure", LogID: &l.ID, LogState: store.LogStored})
			if err != nil {
				t.Fatal(err)
			}
			return j
		}
		first := mk("c0", 1)
		ch, err := st.AddPatterns(ctx, []store.Pattern{{Pattern: patterns.Pattern{Name: "connection reset", Kind: patterns.Literal,
			Expr: "reset", Tags: []string{"flaky"}, Source: "test"}}}, "t")
		if err != nil {
			t.Fatal(err)
		}
		ps, err := st.PendingScans(ctx, 0, 0)
		if err != nil || len(ps) != 1 {
			t.Fatalf("pending %v %v", ps, err)
		}
		if _, err := st.RecordScan(ctx, ps[0], []patterns.Match{{PatternID: ch[0].ID, Line: 1, Text: "reset"}}); err != nil {
			t.Fatal(err)
		}
		watch := func() []int64 {
			t.Helper()
			changed, err := verdicts.WatchAccount(ctx, st, r)
			if err != nil {
				t.Fatal(err)
			}
			return changed
		}
		// watchOnly is a triage's watch: the precision of the patterns its commit matched.
		watchOnly := func(ids []int64) []int64 {
			t.Helper()
			prec, err := verdicts.Precision(ctx, st, r, ids)
			if err != nil {
				t.Fatal(err)
			}
			changed, err := verdicts.WatchDemotions(ctx, st, r, ids, prec)
			if err != nil {
				t.Fatal(err)
			}
			return changed
		}
		if _, err := verdicts.DecideStale(ctx, st, now, 10); err != nil {
			t.Fatal(err)
		}
		if v := keptOf(t, st, first)[first.ID]; v.Verdict != "flaky" || !v.Explained {
			t.Fatalf("before any rerun: %+v, want flaky", v)
		}
		if changed := watch(); len(changed) != 0 {
			t.Errorf("an undemoted pattern was reported changed: %v", changed)
		}
		// Three later commits fail again on rerun with the same match: the record refutes it.
		for _, sha := range []string{"c1", "c2", "c3"} {
			mk(sha, 1)
			mk(sha, 2)
		}
		// A triage whose commit matched other patterns does not see it; one that matched it does.
		if changed := watchOnly([]int64{ch[0].ID + 1}); len(changed) != 0 {
			t.Errorf("a watch of other patterns reported %v", changed)
		}
		if v := keptOf(t, st, first)[first.ID]; v.Stale {
			t.Fatalf("a watch of other patterns marked the verdict stale: %+v", v)
		}
		if changed := watchOnly([]int64{ch[0].ID}); !slices.Equal(changed, []int64{ch[0].ID}) {
			t.Fatalf("demotion change: %v, want the pattern", changed)
		}
		if v := keptOf(t, st, first)[first.ID]; !v.Stale {
			t.Fatalf("the earlier flaky verdict is not stale after the demotion: %+v", v)
		}
		if changed := watch(); len(changed) != 0 {
			t.Errorf("the same demotion was reported again: %v", changed)
		}
		if _, err := verdicts.DecideStale(ctx, st, now, 10); err != nil {
			t.Fatal(err)
		}
		if v := keptOf(t, st, first)[first.ID]; v.Verdict != "new" || v.Explained || v.Stale {
			t.Errorf("decided again: %+v, want new (the demoted pattern excuses nothing)", v)
		}
	})
}
