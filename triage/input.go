package triage

import (
	"slices"
	"strconv"
	"time"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/patterns"
)

// Commit is the commit a check run is about. MergeBase is empty when it is not known; base-branch
// evidence is then "not known" rather than guessed.
type Commit struct {
	Repo       string // owner/name
	SHA        string
	Branch     string
	BaseBranch string
	MergeBase  string
}

// Conclusion is a job attempt's outcome as the CI reported it (GitHub check-run and status
// vocabulary: success, failure, cancelled, timed_out, skipped, neutral, action_required, error,
// startup_failure, stale, pending).
type Conclusion string

// Job conclusions triage gives meaning to.
const (
	ConclusionSuccess   Conclusion = "success"
	ConclusionFailure   Conclusion = "failure"
	ConclusionCancelled Conclusion = "cancelled"
	ConclusionTimedOut  Conclusion = "timed_out"
)

// Failed reports whether the attempt failed and so needs a verdict. A cancelled or skipped job is
// not a failure: somebody or something stopped it, and its log rarely says why CI is red.
func (c Conclusion) Failed() bool { return slices.Contains(failedConclusions, c) }

// failedConclusions are the conclusions Failed accepts.
var failedConclusions = []Conclusion{ConclusionFailure, ConclusionTimedOut, "error", "startup_failure"}

// FailedConclusions lists the conclusions Failed accepts, for queries over stored jobs.
func FailedConclusions() []string {
	out := make([]string, len(failedConclusions))
	for i, c := range failedConclusions {
		out[i] = string(c)
	}
	return out
}

// LogState says whether a job's log could be read. A job whose log is unavailable still gets a
// verdict (no-log) that says why, so it is never silently dropped.
type LogState struct {
	Unavailable bool
	// Reason is shown to the user when the log is unavailable, e.g. "log expired" or "403 from CircleCI".
	Reason string
	// Expired says the log was read once but retention has since deleted its content (the text of
	// store.Log.Expired): the matches found while it was kept still decide the verdict, and the
	// check run says why there is no excerpt.
	Expired string
}

// Excerpt is the likely-cause excerpt of a log, or lines around a match. It has the same shape as
// logs/cause.Excerpt, so a cause.Excerpt converts to it with a plain type conversion.
type Excerpt struct {
	// Ranges are 1-based inclusive line ranges, ascending and disjoint.
	Ranges [][2]int
	// Lines are the texts of every line inside Ranges, in order.
	Lines []string
	// Cause is the number of the line that most likely states the failure, 0 if not known.
	Cause int
}

// line returns the text of log line n and whether the excerpt holds it.
func (e Excerpt) line(n int) (string, bool) {
	i := 0
	for _, r := range e.Ranges {
		if n >= r[0] && n <= r[1] {
			k := i + n - r[0]
			if k < len(e.Lines) {
				return e.Lines[k], true
			}
			return "", false
		}
		i += r[1] - r[0] + 1
	}
	return "", false
}

// StepSpan says where one CI step starts in a job's normalised log, so a log line can be linked to
// the provider's own line anchor (GitHub Actions: #step:N:L).
type StepSpan struct {
	// Number is the provider's 1-based step index.
	Number int
	// FirstLine is the log line of the step's first line; line L of the log is line
	// L-FirstLine+1 of the step.
	FirstLine int
}

// Run is one attempt of one CI job on the commit, with everything the store knows about its log.
// Triage groups runs by (Provider, Name): the other attempts of a job are rerun evidence.
type Run struct {
	Provider   ident.Provider
	Name       string
	Attempt    int
	Conclusion Conclusion
	URL        string
	Log        LogState
	// Matches are every pattern match in the attempt's log (only meaningful for a failed attempt).
	Matches []patterns.Match
	// Tests are the failing tests the attempt's log names (empty when none were found).
	Tests []FailingTest
	// Cause is the likely-cause excerpt, shown when no pattern explains the failure.
	Cause Excerpt
	// Context holds lines around the matches (the store keeps a few with each match); the lines
	// around the best match are taken from it, or from Cause when it holds them.
	Context Excerpt
	// Steps are the step boundaries of the log, ascending by FirstLine; empty when unknown.
	Steps []StepSpan
}

// Key identifies a job across attempts.
func (r Run) Key() JobKey { return JobKey{Provider: r.Provider, Name: r.Name} }

// JobKey identifies a CI job on a commit across its attempts.
type JobKey struct {
	Provider ident.Provider
	Name     string
}

// PatternInfo is what triage needs to know of a pattern beyond its match: the current tags (tags may
// be re-curated after a match was stored) and the description shown next to a known problem.
type PatternInfo struct {
	ID          int64
	Name        string
	Tags        []string
	Description string
	Priority    int
}

// hasTag reports whether the pattern carries tag t.
func (p PatternInfo) hasTag(t string) bool {
	for _, x := range p.Tags {
		if x == t {
			return true
		}
	}
	return false
}

// Annotation is a known-broken range a maintainer declared with /totto known-broken. Covers is
// resolved by the caller (it needs the commit graph): whether this commit lies in the range.
type Annotation struct {
	ID         int64
	Repo       string
	JobGlob    string
	FromCommit string
	// ToCommit is empty while the range is open (not yet /totto fixed).
	ToCommit string
	Reason   string
	Who      string
	When     time.Time
	Covers   bool
}

// BaseOutcome is the same job's outcome at the merge base on the base branch: the evidence for
// broken-upstream. A job missing from Input.Base means "not known".
type BaseOutcome struct {
	SHA        string
	Conclusion Conclusion
	URL        string
	// Signature identifies the failure at the base (see Signature); empty when it had no match.
	Signature string
}

// Signature is the comparable identity of a failure: the best match's pattern. Two failures with
// the same signature are taken to be the same failure. A failure without a best match has no
// signature and never compares equal, because "both failed somehow" is not evidence.
func Signature(best *patterns.Match) string {
	if best == nil || best.PatternID == 0 && best.Pattern == "" {
		return ""
	}
	if best.PatternID != 0 {
		return "pattern:" + strconv.FormatInt(best.PatternID, 10)
	}
	return "pattern-name:" + best.Pattern
}

// Config is a repository's triage configuration (from .github/totto.yml).
type Config struct {
	// NeverFlaky are job-name globs whose failures are never called flaky, because a rerun passing
	// or a flaky pattern is no excuse for them (lint is deterministic). nil means DefaultNeverFlaky;
	// an empty non-nil slice means none.
	NeverFlaky []string
	// Ignored are job-name globs whose failures are left out of the check run entirely.
	Ignored []string
	// Demotion are the thresholds past which a flaky pattern's precision record demotes it
	// (see Input.Precision); zero fields take DefaultDemotion's.
	Demotion Demotion
	// FlakyTestCommits is how many commits must show a test failing then passing on the same
	// commit for its history to call it flaky (0: DefaultFlakyTestCommits).
	FlakyTestCommits int
}

// DefaultNeverFlaky are the never-flaky globs when a repository configures none: linters,
// formatters and type checkers, which are deterministic (globs match case-insensitively).
var DefaultNeverFlaky = []string{"*lint*", "*format*", "*fmt*", "*type-check*", "*typecheck*", "*mypy*"}

func (c Config) neverFlaky() []string {
	if c.NeverFlaky == nil {
		return DefaultNeverFlaky
	}
	return c.NeverFlaky
}

// Input is everything triage needs to decide a commit's verdicts.
type Input struct {
	Commit Commit
	// Runs are every attempt of every job on the commit.
	Runs []Run
	// Patterns looks up patterns by id; a match whose pattern is missing uses the match's own
	// name and tags.
	Patterns map[int64]PatternInfo
	// Annotations are the repository's known-broken annotations, Covers resolved for this commit.
	Annotations []Annotation
	// Base holds the base-branch evidence per job; a missing key means "not known".
	Base   map[JobKey]BaseOutcome
	Config Config
	// Best chooses a log's best match; nil means patterns.Best.
	Best func([]patterns.Match) *patterns.Match
	// Precision is each pattern's record so far, by pattern id (store.PrecisionQuerier); a flaky
	// pattern whose record Config.Demotion calls too broad no longer makes jobs flaky. A missing
	// pattern has no record yet and is trusted.
	Precision map[int64]Precision
	// TestHistory is each failing test's record over the flaky window; a missing test has none.
	TestHistory map[TestID]TestRecord
	// BaseTests are the failing tests of each job at the merge base; a missing key means the
	// base's tests are not known (no failed run there, or its log named none).
	BaseTests map[JobKey][]TestID
}

func anyGlob(globs []string, name string) (string, bool) {
	for _, g := range globs {
		if MatchJobGlob(g, name) {
			return g, true
		}
	}
	return "", false
}
