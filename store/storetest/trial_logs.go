package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

// testTrialLogs checks the pages /try reads: newest first, each log once under its newest job of
// the reader's audience, resumed by the cursor without repeats or gaps, and counted the same way.
func testTrialLogs(t *testing.T, s store.Store) {
	c := ctx(t)
	w := seedTenancy(t, s)
	at := time.Now().UTC()
	mk := func(r store.Repository, ext, conclusion string, l *store.Log, state store.LogState) store.Job {
		var id *int64
		if l != nil {
			id = &l.ID
		}
		return must(s.UpsertJob(c, store.Job{Provider: "ingest", ExternalID: ext, RepoID: r.ID, SHA: "fed" + ext, Name: "test",
			Conclusion: conclusion, LogID: id, LogState: state, CompletedAt: &at}))
	}
	green, cancelled := putLog(t, s, "green log"), putLog(t, s, "cancelled log")
	jobGreen := mk(w.acmeA, "t1", "success", &green, store.LogStored)
	mk(w.acmeA, "t2", "cancelled", &cancelled, store.LogStored) // neither failed nor successful
	mk(w.acmeA, "t3", "failure", nil, store.LogUnavailable)     // no log to read

	jobs := func(q store.TrialQuery, n int) (ids []int64) {
		for {
			page := must(s.TrialLogs(c, q, n))
			for _, l := range page {
				ids = append(ids, l.JobID)
			}
			if len(page) < n {
				return ids
			}
			q.Before = page[len(page)-1].JobID
		}
	}
	everyone := store.TrialQuery{Audience: store.Everyone}
	// Newest first, the shared logs under their newest jobs (evil/x's), whatever the page size.
	want := []int64{jobGreen.ID, w.jobEvB.ID, w.jobEvil.ID}
	for _, n := range []int{1, 2, 10} {
		if got := jobs(everyone, n); !slices.Equal(got, want) {
			t.Errorf("pages of %d: jobs %v, want %v", n, got, want)
		}
	}
	first := must(s.TrialLogs(c, everyone, 1))[0]
	if first.LogID != green.ID || first.StorageKey != green.StorageKey || first.Repo != "Acme/a" || first.SHA != "fedt1" ||
		first.Conclusion != "success" || first.CompletedAt == nil {
		t.Errorf("newest trial log: %+v", first)
	}
	// A reader of acme's repositories sees the shared logs under acme's jobs, never evil's.
	acme := store.TrialQuery{Audience: store.Audience{Repos: []int64{w.acmeA.ID, w.acmeB.ID}}}
	if got := jobs(acme, 1); !slices.Equal(got, []int64{jobGreen.ID, w.jobB.ID, w.jobAcme.ID}) {
		t.Errorf("acme's reader: jobs %v", got)
	}
	if got := jobs(store.TrialQuery{Audience: store.Everyone, Owner: "acme"}, 2); !slices.Equal(got, []int64{jobGreen.ID, w.jobB.ID, w.jobAcme.ID}) {
		t.Errorf("account acme: jobs %v", got)
	}
	if got := jobs(store.TrialQuery{Audience: store.Everyone, RepoID: w.acmeB.ID}, 5); !slices.Equal(got, []int64{w.jobB.ID}) {
		t.Errorf("repository acme/b: jobs %v", got)
	}
	if got := jobs(store.TrialQuery{Audience: store.Audience{}}, 5); len(got) != 0 {
		t.Errorf("empty audience: jobs %v", got)
	}
	total, older := must2(s.CountTrialLogs(c, everyone, 0, w.jobEvB.ID, w.jobEvil.ID))
	if total != 3 || !slices.Equal(older, []int{3, 1, 0}) {
		t.Errorf("counts: %d logs, older %v; want 3, [3 1 0]", total, older)
	}
	if total, _ := must2(s.CountTrialLogs(c, acme)); total != 3 {
		t.Errorf("acme's reader counts %d logs, want 3", total)
	}
}
