package storetest

import (
	"testing"
	"time"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

// testScreens checks the web UI's screen queries: explained counts are the kept verdicts', and a
// match alone (here another tenant's pattern) explains nothing.
func testScreens(t *testing.T, s store.Store) {
	c := ctx(t)
	w := seedTenancy(t, s)
	if rs := must(s.Repositories(c)); len(rs) != 3 || rs[0].FullName != "Acme/a" || rs[2].FullName != "evil/x" {
		t.Fatalf("repositories: %+v", rs)
	}
	// Only evil's account pattern matches the log acme/b shares with evil/x.
	for _, p := range must(s.PendingScans(c, 0, 0)) {
		var ms []patterns.Match
		if p.LogID == w.sharedB.ID {
			ms = []patterns.Match{{PatternID: w.evilAcct, Line: 1, End: 3, Text: "log"}}
		}
		must(s.RecordScan(c, p, ms))
	}
	now := time.Now().UTC()
	// Triage (store.MatchFilter.ForRepo follows the tenancy rule) found evil/x's job 4 flaky and
	// the others new; acme/b's match by evil's pattern counts for nothing.
	must(0, s.RecordVerdicts(c, []store.JobVerdict{
		{JobID: w.jobEvB.ID, RepoID: w.evilX.ID, SHA: "abc", Verdict: "flaky", Explained: true, DecidedAt: now},
		{JobID: w.jobEvil.ID, RepoID: w.evilX.ID, SHA: "abc", Verdict: "new", DecidedAt: now},
		{JobID: w.jobB.ID, RepoID: w.acmeB.ID, SHA: "abc", Verdict: "new", DecidedAt: now},
	}))
	sums := map[string]store.RepositorySummary{}
	for _, r := range must(s.RepositorySummaries(c, now.Add(-7*24*time.Hour), now.Add(-30*24*time.Hour))) {
		sums[r.FullName] = r
	}
	if b := sums["acme/b"]; b.Failed7 != 1 || b.Explained7 != 0 || b.Failed30 != 1 || b.Explained30 != 0 {
		t.Errorf("acme/b summary %+v: its failure is explained only by evil's pattern, so not explained", b)
	}
	if x := sums["evil/x"]; x.Failed7 != 2 || x.Explained7 != 1 {
		t.Errorf("evil/x summary %+v, want 2 failed, 1 explained", x)
	}
	at := now.Add(-time.Hour)
	must(s.UpsertJob(c, store.Job{Provider: "ingest", ExternalID: "m1", RepoID: w.acmeB.ID, SHA: "m1", Branch: "master",
		Name: "build", Conclusion: "failure", LogID: &w.sharedB.ID, LogState: store.LogStored, CompletedAt: &at}))
	if b := must(s.DefaultBranch(c, w.acmeB.ID)); b != "master" {
		t.Errorf("default branch %q, want master (the only one with jobs)", b)
	}
	if b := must(s.DefaultBranch(c, w.acmeA.ID)); b != "main" {
		t.Errorf("default branch without main/master jobs %q, want main", b)
	}
}
