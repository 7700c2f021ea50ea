package verdicts

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// TestsWindowDays is the period a failing test's history is counted over when deciding from the
// store (triage's default flaky window; a repository's own setting lives in its configuration
// file on GitHub).
const TestsWindowDays = 14

// Store is what deciding a commit from the store reads and what keeping verdicts writes.
type Store interface {
	CommitJobs(ctx context.Context, repoID int64, sha string) ([]store.Job, error)
	Matches(ctx context.Context, f store.MatchFilter) ([]store.Match, error)
	Pattern(ctx context.Context, id int64) (store.Pattern, error)
	AnnotationsCovering(ctx context.Context, repoID int64, jobName, sha string) ([]store.Annotation, error)
	JobTests(ctx context.Context, jobID int64) ([]store.JobTest, error)
	Log(ctx context.Context, id int64) (store.Log, error)
	TestStats(ctx context.Context, repoID int64, keys []store.TestKey, since time.Time) (map[store.TestKey]store.TestStats, error)
	store.PrecisionQuerier
	store.VerdictKeeper
}

// FromStore triages a commit on what the store holds: its jobs and their matches, the
// known-broken annotations covering it, the patterns' precision and the failing tests' history.
// Base-branch evidence needs GitHub (the merge base) and is left out.
func FromStore(ctx context.Context, st Store, repo store.Repository, sha string, now time.Time) (triage.Report, []store.Job, error) {
	jobs, err := st.CommitJobs(ctx, repo.ID, sha)
	if err != nil {
		return triage.Report{}, nil, err
	}
	in := triage.Input{Commit: triage.Commit{Repo: repo.FullName, SHA: sha}, Patterns: map[int64]triage.PatternInfo{}}
	failedNames := map[string]bool{}
	for _, j := range jobs {
		if in.Commit.Branch == "" {
			in.Commit.Branch = j.Branch
		}
		run := triage.Run{Provider: j.Provider, Name: j.Name, Attempt: j.Attempt, Conclusion: triage.Conclusion(j.Conclusion), URL: j.URL}
		if run.Conclusion.Failed() {
			failedNames[j.Name] = true
			switch {
			case j.LogState == store.LogUnavailable:
				run.Log = triage.LogState{Unavailable: true, Reason: j.LogReason}
			case j.LogID == nil:
				run.Log = triage.LogState{Unavailable: true, Reason: "log not fetched yet"}
			default:
				if run.Matches, err = logMatches(ctx, st, repo.ID, *j.LogID, in.Patterns); err != nil {
					return triage.Report{}, nil, err
				}
				l, err := st.Log(ctx, *j.LogID)
				if err != nil {
					return triage.Report{}, nil, fmt.Errorf("log %d: %w", *j.LogID, err)
				}
				// A log retention dropped keeps its matches; the pages say why it cannot be read.
				run.Log.Expired = l.Expired()
			}
		}
		in.Runs = append(in.Runs, run)
	}
	if err := annotations(ctx, st, repo, sha, failedNames, &in); err != nil {
		return triage.Report{}, nil, err
	}
	matched := make([]int64, 0, len(in.Patterns)) // not nil: no match, no precision to read
	for id := range in.Patterns {
		matched = append(matched, id)
	}
	if in.Precision, err = Precision(ctx, st, repo, matched); err != nil {
		return triage.Report{}, nil, err
	}
	if err := addTests(ctx, st, repo.ID, jobs, &in, now); err != nil {
		return triage.Report{}, nil, err
	}
	return triage.Triage(in), jobs, nil
}

// annotations adds the known-broken annotations covering the commit's failed jobs.
func annotations(ctx context.Context, st Store, repo store.Repository, sha string, names map[string]bool, in *triage.Input) error {
	seen := map[int64]bool{}
	for name := range names {
		as, err := st.AnnotationsCovering(ctx, repo.ID, name, sha)
		if err != nil {
			return err
		}
		for _, a := range as {
			if seen[a.ID] {
				continue
			}
			seen[a.ID] = true
			ta := triage.Annotation{ID: a.ID, Repo: repo.FullName, JobGlob: a.JobGlob, FromCommit: a.FromSHA, Reason: a.Reason, Who: a.CreatedBy, When: a.CreatedAt, Covers: true}
			if a.ToSHA != nil {
				ta.ToCommit = *a.ToSHA
			}
			in.Annotations = append(in.Annotations, ta)
		}
	}
	return nil
}

// logMatches loads a log's matches of active patterns in log order and the current metadata of their patterns.
func logMatches(ctx context.Context, st Store, repoID, logID int64, infos map[int64]triage.PatternInfo) ([]patterns.Match, error) {
	ms, err := st.Matches(ctx, store.MatchFilter{LogID: logID, ForRepo: repoID, Active: true})
	if err != nil {
		return nil, fmt.Errorf("matches of log %d: %w", logID, err)
	}
	out := make([]patterns.Match, 0, len(ms))
	for _, m := range ms {
		if _, ok := infos[m.PatternID]; !ok {
			p, err := st.Pattern(ctx, m.PatternID)
			if err != nil {
				return nil, fmt.Errorf("pattern %d of a match in log %d: %w", m.PatternID, logID, err)
			}
			infos[m.PatternID] = triage.PatternInfo{ID: p.ID, Name: p.Name, Tags: p.Tags, Description: p.Description, Priority: p.Priority}
		}
		out = append(out, m.Match)
	}
	slices.SortStableFunc(out, func(a, b patterns.Match) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.PatternID, b.PatternID))
	})
	return out, nil
}

// Precision is the record from rerun evidence in the repository owner's repositories of the
// patterns patternIDs names (nil: every pattern; triage reads those of the commit's matches), so
// the store's decision demotes the same too-broad flaky patterns the check run does.
func Precision(ctx context.Context, st store.PrecisionQuerier, repo store.Repository, patternIDs []int64) (map[int64]triage.Precision, error) {
	rows, err := st.PatternPrecision(ctx, store.OwnerAudience(repo.Owner()), patternIDs)
	if err != nil {
		return nil, fmt.Errorf("pattern precision: %w", err)
	}
	out := make(map[int64]triage.Precision, len(rows))
	for _, r := range rows {
		out[r.PatternID] = triage.Precision{Hits: int(r.Hits), OnSuccess: int(r.OnSuccess),
			ConfirmedFlaky: int(r.ConfirmedFlaky), ConfirmedNotFlaky: int(r.ConfirmedNotFlaky)}
	}
	return out, nil
}

// addTests gives each failed run the failing tests recorded for its job, and the input those
// tests' history over TestsWindowDays, so tests are decided as the check run does with the
// default window and threshold.
func addTests(ctx context.Context, st Store, repoID int64, jobs []store.Job, in *triage.Input, now time.Time) error {
	seen := map[store.TestKey]bool{}
	var keys []store.TestKey
	for i := range in.Runs {
		r := &in.Runs[i]
		if !r.Conclusion.Failed() || r.Log.Unavailable {
			continue
		}
		var jobID int64
		for _, j := range jobs {
			if j.Provider == r.Provider && j.Name == r.Name && j.Attempt == r.Attempt {
				jobID = j.ID
			}
		}
		ts, err := st.JobTests(ctx, jobID)
		if err != nil {
			return err
		}
		for _, t := range ts {
			r.Tests = append(r.Tests, triage.FailingTest{TestID: triage.TestID{Runner: t.Runner, File: t.File, Name: t.Name}, Line: t.Line, Text: t.Text, PassedInLog: t.PassedInLog})
			if !seen[t.TestKey] {
				seen[t.TestKey] = true
				keys = append(keys, t.TestKey)
			}
		}
	}
	if len(keys) == 0 {
		return nil
	}
	stats, err := st.TestStats(ctx, repoID, keys, now.AddDate(0, 0, -TestsWindowDays))
	if err != nil {
		return err
	}
	in.TestHistory = map[triage.TestID]triage.TestRecord{}
	for k, s := range stats {
		in.TestHistory[triage.TestID{Runner: k.Runner, File: k.File, Name: k.Name}] = triage.TestRecord{Failures: s.Failures, Commits: s.Commits,
			PullRequests: s.PullRequests, DefaultBranchFailures: s.DefaultBranchFailures, FlipCommits: s.FlipCommits, FirstSeen: s.FirstSeen, LastSeen: s.LastSeen}
	}
	return nil
}
