package verdicts_test

import (
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
	_ "github.com/totto-ci/totto/store/postgres"
	_ "github.com/totto-ci/totto/store/sqlite"
	"github.com/totto-ci/totto/store/storetest"
	"github.com/totto-ci/totto/verdicts"
)

func eachBackend(t *testing.T, fn func(t *testing.T, st store.Store)) {
	open := func(t *testing.T, url string) store.Store {
		st, err := store.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	t.Run("sqlite", func(t *testing.T) { fn(t, open(t, "sqlite:"+t.TempDir()+"/totto.db")) })
	t.Run("postgres", func(t *testing.T) { fn(t, open(t, storetest.PostgresURL(t))) })
}

// History no check run decided gets its verdicts from the store; a verdict goes stale when the
// pattern it rests on is edited and is decided again; a job the check run found broken upstream
// keeps that verdict when the store alone cannot tell.
func TestDecideStale(t *testing.T) {
	eachBackend(t, func(t *testing.T, st store.Store) {
		ctx := t.Context()
		now := func() time.Time { return time.Now() }
		r, err := st.UpsertRepository(ctx, store.Repository{FullName: "acme/widgets", Active: true})
		if err != nil {
			t.Fatal(err)
		}
		l, err := st.PutLog(ctx, store.Log{SHA256: strings.Repeat("ab", 32), RawSize: 1, Lines: 1, StorageKey: "k"})
		if err != nil {
			t.Fatal(err)
		}
		mk := func(ext, sha, concl string, log *int64) store.Job {
			j, err := st.UpsertJob(ctx, store.Job{Provider: "github-actions", ExternalID: ext, Attempt: 1, RepoID: r.ID, SHA: sha,
				Name: "build " + ext, Conclusion: concl, LogID: log, LogState: store.LogStored})
			if err != nil {
				t.Fatal(err)
			}
			return j
		}
		matched, up, green := mk("1", "c1", "failure", &l.ID), mk("2", "c2", "failure", &l.ID), mk("3", "c1", "success", nil)
		ch, err := st.AddPatterns(ctx, []store.Pattern{{Pattern: patterns.Pattern{Name: "oom", Kind: patterns.Literal, Expr: "killed", Source: "test"}}}, "t")
		if err != nil {
			t.Fatal(err)
		}
		ps, err := st.PendingScans(ctx, 0, 0)
		if err != nil || len(ps) != 1 {
			t.Fatalf("pending %v %v", ps, err)
		}
		if _, err := st.RecordScan(ctx, ps[0], []patterns.Match{{PatternID: ch[0].ID, Line: 1, Text: "killed"}}); err != nil {
			t.Fatal(err)
		}
		// The check run of c2 found it broken upstream (the merge base is GitHub's to tell).
		if err := st.RecordVerdicts(ctx, []store.JobVerdict{{JobID: up.ID, RepoID: r.ID, SHA: "c2", Verdict: "broken-upstream", Explained: true, DecidedAt: time.Now()}}); err != nil {
			t.Fatal(err)
		}
		if n, err := verdicts.DecideStale(ctx, st, now, 10); err != nil || n != 1 {
			t.Fatalf("decided %d commits (%v), want 1: c1 never had verdicts", n, err)
		}
		kept := keptOf(t, st, matched, up, green)
		if v := kept[matched.ID]; v.Verdict != "new" || v.Explained {
			t.Errorf("untagged pattern's match: %+v, want new (an untagged pattern explains nothing)", v)
		}
		if _, ok := kept[green.ID]; ok {
			t.Error("a passing job got a verdict")
		}
		// Tagging the pattern flaky makes both stale; deciding again calls c1 flaky and keeps c2
		// broken upstream (the store alone would say flaky too, which explains it: kept as decided).
		if _, err := st.AddPatterns(ctx, []store.Pattern{{Pattern: patterns.Pattern{Name: "oom", Kind: patterns.Literal, Expr: "killed", Tags: []string{"flaky"}, Source: "test"}}}, "t"); err != nil {
			t.Fatal(err)
		}
		if k := keptOf(t, st, matched, up); !k[matched.ID].Stale || !k[up.ID].Stale {
			t.Fatalf("after tagging: %+v", k)
		}
		if n, err := verdicts.DecideStale(ctx, st, now, 10); err != nil || n != 2 {
			t.Fatalf("decided %d commits (%v), want 2", n, err)
		}
		kept = keptOf(t, st, matched, up)
		if v := kept[matched.ID]; v.Verdict != "flaky" || !v.Explained || v.Stale {
			t.Errorf("after tagging flaky: %+v", v)
		}
		// A later check run of c2 found it broken upstream again; then the flaky tag is taken off,
		// leaving the store nothing to explain c2 with: broken upstream stays, c1 is new again.
		if err := st.RecordVerdicts(ctx, []store.JobVerdict{{JobID: up.ID, RepoID: r.ID, SHA: "c2", Verdict: "broken-upstream", Explained: true, DecidedAt: time.Now()}}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddPatterns(ctx, []store.Pattern{{Pattern: patterns.Pattern{Name: "oom", Kind: patterns.Literal, Expr: "killed", Source: "test"}}}, "t"); err != nil {
			t.Fatal(err)
		}
		if _, err := verdicts.DecideStale(ctx, st, now, 10); err != nil {
			t.Fatal(err)
		}
		kept = keptOf(t, st, matched, up)
		if v := kept[up.ID]; v.Verdict != "broken-upstream" || !v.Explained || v.Stale {
			t.Errorf("broken upstream decided again from the store: %+v", v)
		}
		if v := kept[matched.ID]; v.Verdict != "new" || v.Explained {
			t.Errorf("after the tag is taken off: %+v, want new", v)
		}
		if n, err := verdicts.DecideStale(ctx, st, now, 10); err != nil || n != 0 {
			t.Errorf("nothing left, yet decided %d (%v)", n, err)
		}
	})
}

func keptOf(t *testing.T, st store.Store, jobs ...store.Job) map[int64]store.JobVerdict {
	t.Helper()
	var ids []int64
	for _, j := range jobs {
		ids = append(ids, j.ID)
	}
	kept, err := st.JobVerdicts(t.Context(), ids)
	if err != nil {
		t.Fatal(err)
	}
	return kept
}
