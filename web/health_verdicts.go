package web

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// Cell states of the health grid: a failed job's verdict (triage.Verdict), or what a job that did
// not fail did.
const (
	cellPassed  = "passed"
	cellPending = "pending" // still running, or queued
	cellOther   = "other"   // cancelled, skipped, …
)

// cellKind is how a state is drawn: a glyph and a colour, so no state is told by colour alone.
type cellKind struct {
	State, Glyph, Label, Meaning string
}

// cellKinds is the legend, in the order it is shown; every state a cell can have is here.
var cellKinds = []cellKind{
	{cellPassed, "✓", "passed", "the job passed on its first attempt"},
	{string(triage.Flaky), "~", "flaky", "failed, then passed on a re-run, or failed on a line tagged flaky"},
	{string(triage.KnownProblem), "!", "known problem", "failed on a line of a pattern tagged known-problem"},
	{string(triage.KnownBroken), "⊘", "known broken", "failed in a range annotated known-broken"},
	{string(triage.BrokenUpstream), "↑", "broken upstream", "fails the same way on the base branch"},
	{string(triage.New), "✗", "new", "failed and nothing explains it: look"},
	{string(triage.NoLog), "?", "no log", "failed and its log could not be read"},
	{cellPending, "…", "pending", "not finished yet"},
	{cellOther, "–", "cancelled or skipped", "did not run to the end"},
}

func kindOf(state string) cellKind {
	for _, k := range cellKinds {
		if k.State == state {
			return k
		}
	}
	return cellKind{State: cellOther, Glyph: "–", Label: state}
}

// jobVerdict is one job of a commit on the health page: the latest attempt's id and state.
type jobVerdict struct {
	JobID int64
	State string
	// Verdict is the failed job's kept verdict; empty when the job did not fail.
	Verdict triage.Verdict
}

// Unexplained reports whether the job failed and its verdict does not explain the failure.
func (v jobVerdict) Unexplained() bool { return v.Verdict != "" && !v.Verdict.Explained() }

// commitVerdicts is one commit of the branch with the verdict of each job that ran on it.
type commitVerdicts struct {
	SHA  string
	At   time.Time             // latest completion of its jobs
	Jobs map[string]jobVerdict // by job name
}

// branchVerdicts is the health page's one read of verdicts: the last n commits of a branch whose
// jobs last completed at or after since (zero: any), newest first, each with its jobs' verdicts
// (latest attempt), as kept when triage decided them. The grid and the weekly chart both read it,
// so they cannot disagree.
func (s *server) branchVerdicts(ctx context.Context, repo store.Repository, branch string, n int, since time.Time) ([]commitVerdicts, error) {
	grid, err := s.st.BranchGrid(ctx, repo.ID, branch, n, since)
	if err != nil {
		return nil, err
	}
	kept, err := s.gridVerdicts(ctx, grid)
	if err != nil {
		return nil, err
	}
	out := make([]commitVerdicts, 0, len(grid.Commits))
	for _, c := range grid.Commits {
		cv := commitVerdicts{SHA: c.SHA, At: c.At, Jobs: make(map[string]jobVerdict, len(c.Cells))}
		for name, cell := range c.Cells {
			v := jobVerdict{JobID: cell.JobID, State: cellOther}
			switch concl := triage.Conclusion(cell.Conclusion); {
			case concl == "success" && cell.Attempts > 1:
				v.State = string(triage.Flaky)
			case concl == "success":
				v.State = cellPassed
			case concl == "":
				v.State = cellPending
			case concl.Failed():
				// The kept verdict; a failure not decided yet counts as new, as on every page.
				v.Verdict = triage.New
				if k, ok := kept[cell.JobID]; ok {
					v.Verdict = triage.Verdict(k.Verdict)
				}
				v.State = string(v.Verdict)
			}
			cv.Jobs[name] = v
		}
		out = append(out, cv)
	}
	return out, nil
}

// healthRows orders the grid's commits with the commits pushed to the branch, which carry the
// message and author and include those CI has not reported on yet. A pushed commit is placed by
// its push (in push order), one CI alone knows by its jobs' completion; the newest n are kept.
func healthRows(verdicts []commitVerdicts, pushed []store.BranchCommit, n int) []healthRow {
	type keyed struct {
		row healthRow
		at  time.Time
	}
	byID := map[string]int{}
	var rows []keyed
	var oldest time.Time
	for _, v := range verdicts {
		if oldest.IsZero() || v.At.Before(oldest) {
			oldest = v.At
		}
	}
	for _, p := range pushed { // most recently pushed first
		if len(verdicts) == n && p.PushedAt.Before(oldest) {
			continue // older than the grid's window: its jobs (if any) were not read
		}
		byID[p.SHA] = len(rows)
		rows = append(rows, keyed{healthRow{SHA: p.SHA, At: p.PushedAt, Message: p.Message, Author: p.Author, PR: pullRequestOf(p.Message)}, p.PushedAt})
	}
	for _, v := range verdicts {
		if i, ok := byID[v.SHA]; ok {
			rows[i].row.verdicts = v.Jobs
			rows[i].row.At = v.At
			continue
		}
		rows = append(rows, keyed{healthRow{SHA: v.SHA, At: v.At, verdicts: v.Jobs}, v.At})
	}
	slices.SortStableFunc(rows, func(a, b keyed) int { return cmp.Compare(b.at.UnixNano(), a.at.UnixNano()) })
	out := make([]healthRow, 0, min(n, len(rows)))
	for _, r := range rows[:min(n, len(rows))] {
		out = append(out, r.row)
	}
	return out
}
