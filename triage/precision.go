package triage

import (
	"fmt"
	"strings"
)

// Precision is a pattern's record so far, from the store's rerun evidence: how often its matches
// turned out to be what its tags claim. A flaky pattern that keeps matching jobs that passed, or
// jobs that failed again when rerun, is too broad to wave a failure through.
type Precision struct {
	// Hits are the jobs whose log the pattern matched, whatever their outcome.
	Hits int
	// OnSuccess are hits on jobs that succeeded: the pattern matched a log with nothing wrong.
	OnSuccess int
	// ConfirmedFlaky are failed hits whose job later passed on a rerun of the same commit.
	ConfirmedFlaky int
	// ConfirmedNotFlaky are failed hits whose job failed again on rerun, matched by the same
	// pattern, and never passed: a deterministic failure the pattern called flaky.
	ConfirmedNotFlaky int
}

// String is the record as the check run shows it next to a verdict.
func (p Precision) String() string {
	return fmt.Sprintf("%d %s so far: %d confirmed flaky by a passing rerun, %d failed again on rerun, %d on successful jobs",
		p.Hits, plural(p.Hits, "hit", "hits"), p.ConfirmedFlaky, p.ConfirmedNotFlaky, p.OnSuccess)
}

// Demotion are the thresholds past which a flaky pattern's record says it is too broad. A
// repository may tune them; the zero value of a field means its default (DefaultDemotion).
type Demotion struct {
	// MinHits and MaxOnSuccessShare: demote when Hits >= MinHits and more than MaxOnSuccessShare
	// of the hits are on successful jobs.
	MinHits           int
	MaxOnSuccessShare float64
	// MinNotFlaky and MaxNotFlakyShare: demote when ConfirmedNotFlaky >= MinNotFlaky and more
	// than MaxNotFlakyShare of the confirmed hits (flaky + not flaky) are confirmed not flaky.
	MinNotFlaky      int
	MaxNotFlakyShare float64
}

// DefaultDemotion: 5 hits with more than 10 % on successful jobs, or 3 confirmed-not-flaky hits
// making more than 30 % of the confirmed ones.
var DefaultDemotion = Demotion{MinHits: 5, MaxOnSuccessShare: 0.10, MinNotFlaky: 3, MaxNotFlakyShare: 0.30}

func (d Demotion) withDefaults() Demotion {
	if d.MinHits <= 0 {
		d.MinHits = DefaultDemotion.MinHits
	}
	if d.MaxOnSuccessShare <= 0 {
		d.MaxOnSuccessShare = DefaultDemotion.MaxOnSuccessShare
	}
	if d.MinNotFlaky <= 0 {
		d.MinNotFlaky = DefaultDemotion.MinNotFlaky
	}
	if d.MaxNotFlakyShare <= 0 {
		d.MaxNotFlakyShare = DefaultDemotion.MaxNotFlakyShare
	}
	return d
}

// Demoted reports whether a flaky pattern with record p is too broad to call a job flaky, and
// the reason in the words the check run shows ("3 of 9 hits on successful jobs").
func (d Demotion) Demoted(p Precision) (string, bool) {
	d = d.withDefaults()
	var why []string
	if p.Hits >= d.MinHits && float64(p.OnSuccess) > d.MaxOnSuccessShare*float64(p.Hits) {
		why = append(why, fmt.Sprintf("%d of %d hits on successful jobs", p.OnSuccess, p.Hits))
	}
	confirmed := p.ConfirmedFlaky + p.ConfirmedNotFlaky
	if p.ConfirmedNotFlaky >= d.MinNotFlaky && float64(p.ConfirmedNotFlaky) > d.MaxNotFlakyShare*float64(confirmed) {
		why = append(why, fmt.Sprintf("%d of %d rerun-confirmed hits failed again on rerun", p.ConfirmedNotFlaky, confirmed))
	}
	if len(why) == 0 {
		return "", false
	}
	return strings.Join(why, "; "), true
}
