package triage

import (
	"github.com/totto-ci/totto/patterns"
)

// Verdict is why one failed job failed, in the words a developer acts on.
type Verdict string

// Verdicts, from DESIGN.md's domain words.
const (
	// Flaky: the best match is tagged flaky, or the same job passed on another attempt of the commit.
	Flaky Verdict = "flaky"
	// KnownProblem: the best match is tagged known-problem, a recognised and tracked problem.
	KnownProblem Verdict = "known-problem"
	// KnownBroken: a maintainer's known-broken annotation covers the job at this commit.
	KnownBroken Verdict = "known-broken"
	// BrokenUpstream: the job fails the same way at the merge base on the base branch.
	BrokenUpstream Verdict = "broken-upstream"
	// New: nothing explains the failure; the developer should look.
	New Verdict = "new"
	// NoLog: the log could not be read, so the failure could not be classified.
	NoLog Verdict = "no-log"
)

// Explained reports whether the verdict lets the commit go green.
func (v Verdict) Explained() bool {
	switch v {
	case Flaky, KnownProblem, KnownBroken, BrokenUpstream:
		return true
	}
	return false
}

// rank orders verdicts by how much a developer needs to see them: 0 is most important. It orders
// the check run's table and decides which context blocks are dropped first when space runs out.
func (v Verdict) rank() int {
	switch v {
	case New:
		return 0
	case NoLog:
		return 1
	case KnownBroken:
		return 2
	case BrokenUpstream:
		return 3
	case KnownProblem:
		return 4
	case Flaky:
		return 5
	}
	return 6
}

// label is the verdict as written in titles ("known problem", not "known-problem").
func (v Verdict) label() string {
	switch v {
	case KnownProblem:
		return "known problem"
	case KnownBroken:
		return "known broken"
	case BrokenUpstream:
		return "broken upstream"
	case NoLog:
		return "no log"
	}
	return string(v)
}

// verdictOrder is the order verdicts are counted in titles: explained ones first, as in
// "2 of 3 failures explained — 1 flaky · 1 known problem · 1 new".
var verdictOrder = []Verdict{Flaky, KnownProblem, KnownBroken, BrokenUpstream, NoLog, New}

// Rerun is the evidence that the same job passed on another attempt of the same commit.
type Rerun struct {
	Attempt int
	URL     string
}

// Evidence is why a verdict was given, so the check run can show its reasoning and a developer can
// disagree with it precisely. Fields are set when they were looked at and found something.
type Evidence struct {
	// Best is the log's best match and Pattern its pattern (nil when nothing matched).
	Best    *patterns.Match
	Pattern *PatternInfo
	// Rerun is the passing attempt of the same job on the same commit.
	Rerun *Rerun
	// Annotation is the known-broken annotation covering the job.
	Annotation *Annotation
	// Base is the job's outcome at the merge base; BaseKnown is false when it is not known.
	Base      *BaseOutcome
	BaseKnown bool
	// Precision is the best match's pattern's record so far (nil when unknown), and Demoted why
	// that record stopped the pattern from calling the job flaky ("" when it did not).
	Precision *Precision
	Demoted   string
	// Generic is set when the best match is a generic line (patterns.IsGeneric) and so was not
	// allowed to call the job flaky.
	Generic bool
	// Tests are the failing tests of the attempt with their own verdicts; ByTests is set when
	// they decided the job's verdict (every test flaky or broken upstream).
	Tests   []TestVerdict
	ByTests bool
	// LogReason says why the log is unavailable.
	LogReason string
	// Notes explain rules that were considered and did not apply, e.g. a never-flaky job that
	// passed on rerun.
	Notes []string
}

// JobVerdict is one failed job's verdict with its evidence.
type JobVerdict struct {
	// Run is the attempt the verdict is about: the job's latest failed attempt.
	Run      Run
	Verdict  Verdict
	Evidence Evidence
	// Attempts is how many attempts of the job the commit has.
	Attempts int
}
