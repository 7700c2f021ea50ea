package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

// testDemotions checks that a change of a pattern's demotion in an account marks stale the kept
// verdicts of that account's jobs the pattern matched, and nothing when nothing changed.
func testDemotions(t *testing.T, s store.Store) {
	c := ctx(t)
	w := seedTenancy(t, s)
	scanAll(t, s)
	decide := func() {
		at := time.Now().UTC()
		must(0, s.RecordVerdicts(c, []store.JobVerdict{
			{JobID: w.jobAcme.ID, RepoID: w.acmeA.ID, SHA: "abc", Verdict: "flaky", Explained: true, DecidedAt: at},
			{JobID: w.jobB.ID, RepoID: w.acmeB.ID, SHA: "abc", Verdict: "flaky", Explained: true, DecidedAt: at},
			{JobID: w.jobEvil.ID, RepoID: w.evilX.ID, SHA: "abc", Verdict: "flaky", Explained: true, DecidedAt: at},
		}))
	}
	stale := func() (ids []int64) {
		for id, v := range must(s.JobVerdicts(c, []int64{w.jobAcme.ID, w.jobB.ID, w.jobEvil.ID})) {
			if v.Stale {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		return ids
	}
	decide()
	acmeJobs := []int64{w.jobAcme.ID, w.jobB.ID}
	slices.Sort(acmeJobs)
	// acme's account pattern becomes demoted in acme: acme's jobs it matched go stale, evil's not.
	if ch := must(s.RecordDemotions(c, "acme", nil, []int64{w.acmeAcct})); !slices.Equal(ch, []int64{w.acmeAcct}) {
		t.Errorf("first demotion: changed %v", ch)
	}
	if got := stale(); !slices.Equal(got, acmeJobs) {
		t.Errorf("stale after the demotion: %v, want acme's jobs %v", got, acmeJobs)
	}
	decide()
	if ch := must(s.RecordDemotions(c, "acme", nil, []int64{w.acmeAcct})); len(ch) != 0 {
		t.Errorf("unchanged demotion reported %v", ch)
	}
	if got := stale(); len(got) != 0 {
		t.Errorf("stale after an unchanged demotion: %v", got)
	}
	// The operator pattern is demoted in evil's account only: evil's job goes stale.
	if ch := must(s.RecordDemotions(c, "evil", nil, []int64{w.op})); !slices.Equal(ch, []int64{w.op}) {
		t.Errorf("evil's demotion: changed %v", ch)
	}
	if got := stale(); !slices.Equal(got, []int64{w.jobEvil.ID}) {
		t.Errorf("stale after evil's demotion: %v", got)
	}
	decide()
	// A record that considers other patterns only (a triage whose commit matched the operator
	// pattern) leaves acme's account pattern demoted, and an empty one writes nothing.
	if ch := must(s.RecordDemotions(c, "acme", []int64{w.op}, nil)); len(ch) != 0 {
		t.Errorf("a record not considering the demoted pattern changed %v", ch)
	}
	if ch := must(s.RecordDemotions(c, "acme", []int64{}, nil)); len(ch) != 0 {
		t.Errorf("a record considering nothing changed %v", ch)
	}
	if got := stale(); len(got) != 0 {
		t.Errorf("stale after records that did not consider the demoted pattern: %v", got)
	}
	// The operator pattern considered and demoted in acme too: a change in acme alone.
	if ch := must(s.RecordDemotions(c, "acme", []int64{w.op}, []int64{w.op})); !slices.Equal(ch, []int64{w.op}) {
		t.Errorf("operator pattern demoted in acme: changed %v", ch)
	}
	if got := stale(); !slices.Equal(got, acmeJobs) {
		t.Errorf("stale after the operator pattern's demotion in acme: %v, want %v", got, acmeJobs)
	}
	decide()
	// A pattern no longer demoted (refuted) is a change too, when considered: the account
	// pattern alone is lifted, the operator pattern (not considered) stays demoted.
	if ch := must(s.RecordDemotions(c, "acme", []int64{w.acmeAcct}, nil)); !slices.Equal(ch, []int64{w.acmeAcct}) {
		t.Errorf("lifted demotion: changed %v", ch)
	}
	if got := stale(); !slices.Equal(got, acmeJobs) {
		t.Errorf("stale after the demotion was lifted: %v", got)
	}
	decide()
	// Every pattern considered (nil): the operator pattern, not in demoted, is lifted too.
	if ch := must(s.RecordDemotions(c, "acme", nil, nil)); !slices.Equal(ch, []int64{w.op}) {
		t.Errorf("lifted demotion: changed %v", ch)
	}
	if got := stale(); !slices.Equal(got, acmeJobs) {
		t.Errorf("stale after the demotion was lifted: %v", got)
	}
}
