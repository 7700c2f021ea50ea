package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

// tenancyWorld: two owners. acme/a and evil/x share one log's content (identical output), acme/b
// and evil/x share another; every pattern matches every log.
type tenancyWorld struct {
	acmeA, acmeB, evilX             store.Repository
	shared, sharedB                 store.Log
	jobAcme, jobEvil, jobB, jobEvB  store.Job
	op, acmeAcct, evilAcct, evilRep int64
}

func seedTenancy(t *testing.T, s store.Store) tenancyWorld {
	c := ctx(t)
	var w tenancyWorld
	w.acmeA, w.acmeB, w.evilX = repo(t, s, "Acme/a"), repo(t, s, "acme/b"), repo(t, s, "evil/x")
	w.shared, w.sharedB = putLog(t, s, "shared log"), putLog(t, s, "shared log b")
	at := time.Now().Add(-time.Hour).UTC()
	mk := func(r store.Repository, ext string, l store.Log) store.Job {
		return must(s.UpsertJob(c, store.Job{Provider: "ingest", ExternalID: ext, RepoID: r.ID, SHA: "abc", Name: "build",
			Conclusion: "failure", LogID: &l.ID, LogState: store.LogStored, CompletedAt: &at}))
	}
	w.jobAcme, w.jobEvil = mk(w.acmeA, "1", w.shared), mk(w.evilX, "2", w.shared)
	w.jobB, w.jobEvB = mk(w.acmeB, "3", w.sharedB), mk(w.evilX, "4", w.sharedB)
	op := pattern("op", "log")
	acme := pattern("acme wide", "log")
	acme.Owner, acme.Source = "ACME", "ui:acme"
	evil := pattern("evil wide", "log", "flaky")
	evil.Owner, evil.Source = "evil", "ui:evil"
	evilRepo := pattern("evil repo", "log", "flaky")
	evilRepo.RepoID, evilRepo.Source = &w.evilX.ID, "ui:evil/x"
	ch := must(s.AddPatterns(c, []store.Pattern{op, acme, evil, evilRepo}, "seed"))
	w.op, w.acmeAcct, w.evilAcct, w.evilRep = ch[0].ID, ch[1].ID, ch[2].ID, ch[3].ID
	return w
}

// scanAll records a match of every pending pattern on every pending log.
func scanAll(t *testing.T, s store.Store) map[int64][]int64 {
	pending := must(s.PendingScans(ctx(t), 0, 0))
	got := map[int64][]int64{}
	for _, p := range pending {
		var ms []patterns.Match
		for _, id := range p.PatternIDs {
			ms = append(ms, patterns.Match{PatternID: id, Line: 1, End: 3, Text: "log"})
		}
		if !must(s.RecordScan(ctx(t), p, ms)) {
			t.Fatalf("scan of log %d lost a race nobody ran", p.LogID)
		}
		got[p.LogID] = p.PatternIDs
	}
	return got
}

func testPatternTenancy(t *testing.T, s store.Store) {
	c := ctx(t)
	w := seedTenancy(t, s)
	acme := must(s.Pattern(c, w.acmeAcct))
	if acme.Scope != store.ScopeAccount || acme.Owner != "acme" {
		t.Fatalf("account pattern stored as %s %q, want account acme", acme.Scope, acme.Owner)
	}
	if rp := must(s.Pattern(c, w.evilRep)); rp.Scope != store.ScopeRepository || rp.Owner != "evil" {
		t.Fatalf("repository pattern stored as %s %q, want repository of evil", rp.Scope, rp.Owner)
	}
	// Scanning: a shared log is scanned with both tenants' patterns (each needs its matches).
	if got := scanAll(t, s); !slices.Equal(got[w.shared.ID], []int64{w.op, w.acmeAcct, w.evilAcct, w.evilRep}) {
		t.Fatalf("patterns scanned over the shared log: %v", got[w.shared.ID])
	}
	onlyAcme := putLog(t, s, "acme only")
	at := time.Now().UTC()
	must(s.UpsertJob(c, store.Job{Provider: "ingest", ExternalID: "5", RepoID: w.acmeB.ID, SHA: "def", Name: "build",
		Conclusion: "failure", LogID: &onlyAcme.ID, LogState: store.LogStored, CompletedAt: &at}))
	if got := scanAll(t, s); !slices.Equal(got[onlyAcme.ID], []int64{w.op, w.acmeAcct}) {
		t.Fatalf("patterns scanned over acme's own log: %v, want operator and acme's only", got[onlyAcme.ID])
	}
	// Deciding: triage of a repository reads only its tenants' matches.
	ids := func(ms []store.Match) []int64 {
		var out []int64
		for _, m := range ms {
			out = append(out, m.PatternID)
		}
		slices.Sort(out)
		return out
	}
	if got := ids(must(s.Matches(c, store.MatchFilter{LogID: w.shared.ID, ForRepo: w.acmeA.ID}))); !slices.Equal(got, []int64{w.op, w.acmeAcct}) {
		t.Errorf("matches deciding acme/a: %v, want operator and acme's", got)
	}
	if got := ids(must(s.Matches(c, store.MatchFilter{LogID: w.shared.ID, ForRepo: w.evilX.ID}))); !slices.Equal(got, []int64{w.op, w.evilAcct, w.evilRep}) {
		t.Errorf("matches deciding evil/x: %v", got)
	}
	var names []string
	for _, p := range must(s.Patterns(c, store.PatternFilter{ForRepo: w.acmeB.ID})) {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"op", "acme wide"}) {
		t.Errorf("patterns applying to acme/b: %v", names)
	}
	// Counting: hits only in repositories the pattern applies to, and only in the audience.
	stat := func(aud store.Audience, id int64) store.PatternStat {
		for _, st := range must(s.PatternStats(c, time.Now(), aud)) {
			if st.PatternID == id {
				return st
			}
		}
		t.Fatalf("no stats row for pattern %d", id)
		return store.PatternStat{}
	}
	if st := stat(store.Everyone, w.evilAcct); st.Jobs != 2 {
		t.Errorf("evil's pattern counted on %d jobs, want its own 2 (not acme's sharing the logs)", st.Jobs)
	}
	if st := stat(store.Audience{Repos: []int64{w.acmeA.ID, w.acmeB.ID}}, w.evilAcct); st.Jobs != 0 || st.Matches != 0 {
		t.Errorf("acme's readers see evil's pattern on %d jobs", st.Jobs)
	}
	if st := stat(store.Audience{}, w.op); st.Jobs != 0 {
		t.Errorf("an empty audience sees %d jobs", st.Jobs)
	}
	if st := stat(store.Audience{Repos: []int64{w.acmeA.ID}}, w.op); st.Jobs != 1 {
		t.Errorf("a reader of acme/a sees the operator pattern on %d jobs, want 1", st.Jobs)
	}
	var in store.Insights = s
	ms, _ := must2(in.PatternMatches(c, w.evilAcct, store.Everyone, store.Page{}))
	for _, m := range ms {
		for _, j := range m.Jobs {
			if j.RepoID != w.evilX.ID {
				t.Errorf("evil's pattern lists a job of repository %d", j.RepoID)
			}
		}
	}
	if ms, _ := must2(in.PatternMatches(c, w.op, store.Audience{Repos: []int64{w.acmeA.ID}}, store.Page{})); len(ms) != 1 || len(ms[0].Jobs) != 1 || ms[0].Jobs[0].JobID != w.jobAcme.ID {
		t.Errorf("operator pattern's matches for a reader of acme/a: %+v", ms)
	}
	buckets := must(in.PatternFrequency(c, store.FrequencyFilter{PatternIDs: []int64{w.evilAcct}, From: at.Add(-48 * time.Hour), To: at.Add(time.Hour),
		Audience: store.Audience{Repos: []int64{w.acmeA.ID, w.acmeB.ID}}}))
	if len(buckets) != 0 {
		t.Errorf("acme's readers see evil's pattern in the frequency chart: %+v", buckets)
	}
	// Precision for acme's triage learns nothing from evil's jobs.
	for _, p := range must(s.PatternPrecision(c, store.OwnerAudience("acme"), nil)) {
		if p.PatternID == w.evilAcct || p.PatternID == w.evilRep {
			t.Errorf("acme's precision includes evil's pattern %d", p.PatternID)
		}
		if p.PatternID == w.op && p.Hits != 3 {
			t.Errorf("operator pattern: %d hits in acme's repositories, want 3", p.Hits)
		}
	}
	// Unexplained: a failure explained only by another tenant's pattern is unexplained.
	l5 := putLog(t, s, "explained for evil only")
	ja := must(s.UpsertJob(c, store.Job{Provider: "ingest", ExternalID: "6", RepoID: w.acmeB.ID, SHA: "fed", Name: "build",
		Conclusion: "failure", LogID: &l5.ID, LogState: store.LogStored, CompletedAt: &at}))
	je := must(s.UpsertJob(c, store.Job{Provider: "ingest", ExternalID: "7", RepoID: w.evilX.ID, SHA: "fed", Name: "build",
		Conclusion: "failure", LogID: &l5.ID, LogState: store.LogStored, CompletedAt: &at}))
	for _, p := range must(s.PendingScans(c, 0, 0)) {
		if p.LogID == l5.ID {
			must(s.RecordScan(c, p, []patterns.Match{{PatternID: w.evilAcct, Line: 1, End: 3, Text: "log"}}))
		}
	}
	has := func(js []store.Job, id int64) bool {
		return slices.ContainsFunc(js, func(j store.Job) bool { return j.ID == id })
	}
	if js, _ := must2(in.UnmatchedFailures(c, w.acmeB.ID, store.Page{})); !has(js, ja.ID) {
		t.Errorf("acme's failure explained by evil's pattern is not listed as unexplained: %+v", js)
	}
	if js, _ := must2(in.UnmatchedFailures(c, w.evilX.ID, store.Page{})); has(js, je.ID) {
		t.Errorf("evil's failure explained by its own pattern is listed as unexplained")
	}
}

func testPatternScopeRules(t *testing.T, s store.Store) {
	c := ctx(t)
	r := repo(t, s, "acme/a")
	other := repo(t, s, "evil/x")
	mine := pattern("oom", "Killed")
	mine.RepoID, mine.Source = &r.ID, "ui:shared-source"
	must(s.AddPatterns(c, []store.Pattern{mine}, "alice"))
	// Another tenant saving the same (source, name) cannot replace it.
	theirs := mine
	theirs.RepoID = &other.ID
	if _, err := s.AddPatterns(c, []store.Pattern{theirs}, "mallory"); err == nil {
		t.Error("a pattern of another repository replaced one under the same source and name")
	}
	for _, bad := range []store.Pattern{
		{Pattern: patterns.Pattern{Name: "a", Kind: patterns.Literal, Expr: "x"}, Owner: "acme/a"},
		{Pattern: patterns.Pattern{Name: "b", Kind: patterns.Literal, Expr: "x"}, Scope: store.ScopeLegacy},
		{Pattern: patterns.Pattern{Name: "c", Kind: patterns.Literal, Expr: "x"}, Scope: store.ScopeOperator, Owner: "acme"},
		{Pattern: patterns.Pattern{Name: "d", Kind: patterns.Literal, Expr: "x"}, Scope: store.ScopeRepository},
	} {
		if _, err := s.AddPatterns(c, []store.Pattern{bad}, "x"); err == nil {
			t.Errorf("pattern %q with scope %q owner %q accepted", bad.Name, bad.Scope, bad.Owner)
		}
	}
	if n := must(s.Stats(c)).Patterns; n != 1 {
		t.Errorf("%d active patterns, want 1", n)
	}
}

// testOperatorRetirementSticks: the operator retires a built-in; merging the packs again (as
// every `totto ingest` and the App's first job do) keeps it retired. A retirement by anyone else
// (a UI user, before tenancy) does not stick.
func testOperatorRetirementSticks(t *testing.T, s store.Store) {
	c := ctx(t)
	b := pattern("apt", "Hash Sum mismatch", "flaky")
	b.Source = "builtin:debian"
	id := must(s.AddPatterns(c, []store.Pattern{b}, "totto"))[0].ID
	if err := s.RetirePattern(c, id, store.OperatorActor("cli")); err != nil {
		t.Fatal(err)
	}
	ch := must(s.AddPatterns(c, []store.Pattern{b}, "totto"))
	if ch[0].Action != store.PatternKeptRetired || ch[0].ID != id {
		t.Fatalf("re-merging an operator-retired built-in: %+v, want kept retired", ch[0])
	}
	if n := must(s.Stats(c)).Patterns; n != 0 {
		t.Fatalf("%d active patterns after re-merging, want 0", n)
	}
	o := pattern("oom", "Killed")
	o.Source = "builtin:linux"
	oid := must(s.AddPatterns(c, []store.Pattern{o}, "totto"))[0].ID
	if err := s.RetirePattern(c, oid, "mallory"); err != nil {
		t.Fatal(err)
	}
	if ch := must(s.AddPatterns(c, []store.Pattern{o}, "totto")); ch[0].Action != store.PatternCreated {
		t.Fatalf("a built-in retired by a user came back as %+v, want created again", ch[0])
	}
}
