package web

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// commitReport re-runs triage on what the store holds for a commit, so the commit and job pages
// say what the check run says. Base-branch evidence needs GitHub (the merge base) and is left
// out: a broken-upstream verdict shows here as the verdict the log alone supports.
func (s *server) commitReport(ctx context.Context, repo store.Repository, sha string) (triage.Report, []store.Job, error) {
	jobs, err := s.st.CommitJobs(ctx, repo.ID, sha)
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
				if run.Matches, err = s.logMatches(ctx, repo.ID, *j.LogID, in.Patterns); err != nil {
					return triage.Report{}, nil, err
				}
				l, err := s.st.Log(ctx, *j.LogID)
				if err != nil {
					return triage.Report{}, nil, fmt.Errorf("log %d: %w", *j.LogID, err)
				}
				run.Log.Expired = l.Expired()
			}
		}
		in.Runs = append(in.Runs, run)
	}
	seen := map[int64]bool{}
	for name := range failedNames {
		as, err := s.st.AnnotationsCovering(ctx, repo.ID, name, sha)
		if err != nil {
			return triage.Report{}, nil, err
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
	if in.Precision, err = patternPrecision(ctx, s.st, repo); err != nil {
		return triage.Report{}, nil, err
	}
	if err := s.addTests(ctx, repo.ID, jobs, &in); err != nil {
		return triage.Report{}, nil, err
	}
	return triage.Triage(in), jobs, nil
}

// logMatches loads a log's matches in log order and the current metadata of their patterns.
func (s *server) logMatches(ctx context.Context, repoID, logID int64, infos map[int64]triage.PatternInfo) ([]patterns.Match, error) {
	ms, err := s.st.Matches(ctx, store.MatchFilter{LogID: logID, ForRepo: repoID})
	if err != nil {
		return nil, fmt.Errorf("matches of log %d: %w", logID, err)
	}
	out := make([]patterns.Match, 0, len(ms))
	for _, m := range ms {
		if _, ok := infos[m.PatternID]; !ok {
			p, err := s.st.Pattern(ctx, m.PatternID)
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

// verdictOf finds a job's verdict in a commit report.
func verdictOf(r triage.Report, j store.Job) *triage.JobVerdict {
	for i := range r.Jobs {
		if r.Jobs[i].Run.Name == j.Name && r.Jobs[i].Run.Provider == j.Provider {
			return &r.Jobs[i]
		}
	}
	return nil
}
