package verdicts

import (
	"context"
	"fmt"
	"time"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// Rows are the stored verdicts of a triaged commit: every failed attempt of a job gets the job's
// verdict (the verdict is about the job on the commit, decided on its latest failed attempt).
// Failed jobs the report left out (ignored by the repository's configuration) get none.
func Rows(rep triage.Report, jobs []store.Job, decidedAt time.Time) []store.JobVerdict {
	var out []store.JobVerdict
	for _, j := range jobs {
		if !triage.Conclusion(j.Conclusion).Failed() {
			continue
		}
		if v := Of(rep, j); v != nil {
			out = append(out, store.JobVerdict{JobID: j.ID, RepoID: j.RepoID, SHA: j.SHA, Verdict: string(v.Verdict),
				Explained: v.Verdict.Explained(), DecidedAt: decidedAt})
		}
	}
	return out
}

// Record stores the verdicts of a triaged commit.
func Record(ctx context.Context, st store.VerdictKeeper, rep triage.Report, jobs []store.Job, decidedAt time.Time) error {
	if err := st.RecordVerdicts(ctx, Rows(rep, jobs, decidedAt)); err != nil {
		return fmt.Errorf("keeping verdicts of %s@%s: %w", rep.Commit.Repo, rep.Commit.SHA, err)
	}
	return nil
}

// Of finds a job's verdict in a commit report (nil when the job did not fail or was ignored).
func Of(r triage.Report, j store.Job) *triage.JobVerdict {
	for i := range r.Jobs {
		if r.Jobs[i].Run.Name == j.Name && r.Jobs[i].Run.Provider == j.Provider {
			return &r.Jobs[i]
		}
	}
	return nil
}

// Apply replaces a report's verdicts by the stored ones, so a page that shows the report's
// evidence states the kept decision. The conclusion is worked out again from the result.
func Apply(ctx context.Context, st store.VerdictKeeper, rep *triage.Report, jobs []store.Job) error {
	ids := make([]int64, 0, len(jobs))
	for _, j := range jobs {
		ids = append(ids, j.ID)
	}
	kept, err := st.JobVerdicts(ctx, ids)
	if err != nil {
		return fmt.Errorf("kept verdicts of %s@%s: %w", rep.Commit.Repo, rep.Commit.SHA, err)
	}
	for _, j := range jobs {
		k, ok := kept[j.ID]
		if !ok {
			continue
		}
		if v := Of(*rep, j); v != nil && v.Run.Attempt == j.Attempt {
			v.Verdict = triage.Verdict(k.Verdict)
		}
	}
	rep.Conclusion = triage.Conclude(rep.Jobs)
	return nil
}

// DecideStale decides again, from the store, the commits whose failed jobs have a stale verdict
// or none, up to limit commits per call, and returns how many it decided. now is the clock of
// the test-history window; the decision is stamped with the wall clock, which the store's stale
// marks also use. A job the check run
// found broken upstream keeps that verdict when the store alone leaves it unexplained (see the
// package comment).
func DecideStale(ctx context.Context, st Store, now func() time.Time, limit int) (int, error) {
	refs, err := st.VerdictsToDecide(ctx, triage.FailedConclusions(), limit)
	if err != nil {
		return 0, err
	}
	for _, ref := range refs {
		at := time.Now()
		rep, jobs, err := FromStore(ctx, st, store.Repository{ID: ref.RepoID, FullName: ref.Repo}, ref.SHA, now())
		if err != nil {
			return 0, fmt.Errorf("deciding %s@%s again: %w", ref.Repo, ref.SHA, err)
		}
		rows := Rows(rep, jobs, at)
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.JobID
		}
		kept, err := st.JobVerdicts(ctx, ids)
		if err != nil {
			return 0, fmt.Errorf("deciding %s@%s again: %w", ref.Repo, ref.SHA, err)
		}
		for i, r := range rows {
			if k, ok := kept[r.JobID]; ok && k.Verdict == string(triage.BrokenUpstream) && !r.Explained {
				rows[i].Verdict, rows[i].Explained = k.Verdict, true
			}
		}
		if err := st.RecordVerdicts(ctx, rows); err != nil {
			return 0, fmt.Errorf("deciding %s@%s again: %w", ref.Repo, ref.SHA, err)
		}
	}
	return len(refs), nil
}
