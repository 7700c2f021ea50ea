package backfill

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/google/go-github/v89/github"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/store"
)

// runCap is the most runs GitHub returns for a filtered listing ("up to 1,000 results for each
// search" with branch or created), however many match; total_count still counts them all.
const runCap = 1000

// actionsEpoch is before the first GitHub Actions run, the lower end of an open listing that
// has to be split by creation time.
var actionsEpoch = time.Date(2018, 10, 1, 0, 0, 0, 0, time.UTC)

// span is a range of run creation times [from, to) in whole seconds; a zero from is open.
type span struct{ from, to time.Time }

// created is the span as GitHub's created qualifier, whose ranges are inclusive.
func (sp span) created() string {
	last := sp.to.Add(-time.Second).UTC().Format(time.RFC3339)
	if sp.from.IsZero() {
		return "*.." + last
	}
	return sp.from.UTC().Format(time.RFC3339) + ".." + last
}

func ceilSecond(t time.Time) time.Time {
	if u := t.Truncate(time.Second); !u.Equal(t) {
		return u.Add(time.Second)
	}
	return t
}

// listActions lists the branch's workflow runs that a previous backfill did not completely
// process, newest first, and with Concurrency workers every job of every attempt of each, so
// that downloads start while listing goes on. Then it queues the success sample.
func (b *backfill) listActions(ctx context.Context, tasks chan<- task) error {
	runs := make(chan *runState, b.opts.Concurrency)
	var wg sync.WaitGroup
	var errMu sync.Mutex
	var firstErr error
	for range b.opts.Concurrency {
		wg.Go(func() {
			for r := range runs {
				if err := b.listRunJobs(ctx, tasks, r); err != nil {
					errMu.Lock()
					firstErr = err
					errMu.Unlock()
				}
			}
		})
	}
	listErr := b.listRuns(ctx, b.spans(b.runs.prev, b.runs.top), runs)
	close(runs)
	wg.Wait()
	if listErr != nil {
		return listErr
	}
	if firstErr != nil || ctx.Err() != nil {
		return firstErr
	}
	return b.queueSample(ctx, tasks)
}

// spans are the creation-time ranges to list, newest first: the window [Since, now) without the
// span the previous mark covers.
func (b *backfill) spans(prev store.BackfillMark, top time.Time) []span {
	since := ceilSecond(b.opts.Since)
	if prev.To.IsZero() || !prev.To.After(since) || prev.To.After(top) {
		return []span{{since, top}}
	}
	var out []span
	if prev.To.Before(top) {
		out = append(out, span{prev.To, top})
	}
	if since.Before(prev.From) || since.IsZero() && !prev.From.IsZero() {
		out = append(out, span{since, prev.From})
	}
	return out
}

// listRuns lists spans in turn, splitting a span GitHub caps, and hands on each run whose jobs
// are to be listed.
func (b *backfill) listRuns(ctx context.Context, spans []span, runs chan<- *runState) error {
	for _, sp := range spans {
		more, err := b.listSpan(ctx, sp, true, runs)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// listSpan lists one span, page by page; it reports false when listing is to stop (limit or
// cancellation).
func (b *backfill) listSpan(ctx context.Context, sp span, top bool, runs chan<- *runState) (bool, error) {
	api := b.opts.Actions.API
	opts := &github.ListWorkflowRunsOptions{Branch: b.opts.Branch, Created: sp.created(), ListOptions: github.ListOptions{PerPage: 100}}
	for first := true; ; first = false {
		var page *github.WorkflowRuns
		var resp *github.Response
		err := b.polite.do(ctx, "workflow runs created "+opts.Created, func(rctx context.Context) error {
			var err error
			page, resp, err = api.Actions.ListRepositoryWorkflowRuns(rctx, b.gh.Owner, b.gh.Name, opts)
			return err
		})
		if err != nil {
			if ctx.Err() != nil {
				return false, nil
			}
			return false, fmt.Errorf("listing workflow runs of %s on %s created %s: %w", b.opts.Repo, b.opts.Branch, opts.Created, err)
		}
		if first && top {
			b.update(func(p *Progress) { p.RunsTotal += page.GetTotalCount() })
		}
		if first && page.GetTotalCount() >= runCap {
			if parts := b.split(ctx, sp, page.GetTotalCount()); len(parts) > 1 {
				for i := len(parts) - 1; i >= 0; i-- {
					more, err := b.listSpan(ctx, parts[i], false, runs)
					if err != nil || !more {
						return more, err
					}
				}
				return true, nil
			}
		}
		for _, run := range page.WorkflowRuns {
			if !b.handOn(ctx, run, runs) {
				return false, nil
			}
		}
		if resp.NextPage == 0 {
			b.runs.knownDownTo(sp.from)
			return true, nil
		}
		opts.Page = resp.NextPage
	}
}

// split divides a capped span into parts of about 900 runs each (evenly in time), or reports
// (and logs) a span of one second GitHub still caps.
func (b *backfill) split(ctx context.Context, sp span, total int) []span {
	from := sp.from
	if from.IsZero() {
		from = actionsEpoch
	}
	width := sp.to.Sub(from)
	if width <= time.Second {
		msg := fmt.Sprintf("%s: GitHub lists %d of %d runs", sp.created(), runCap, total)
		zerolog.Ctx(ctx).Warn().Str("created", sp.created()).Int("runs", total).
			Msg("GitHub lists at most 1,000 runs of one search even split to one second; the rest are not backfilled")
		b.mu.Lock()
		b.capped = append(b.capped, msg)
		b.mu.Unlock()
		return nil
	}
	n := max(2, (total+899)/900)
	step := max(time.Second, (width / time.Duration(n)).Truncate(time.Second))
	var out []span
	for at := from; at.Before(sp.to); at = at.Add(step) {
		end := at.Add(step)
		if end.After(sp.to) {
			end = sp.to
		}
		out = append(out, span{at, end})
	}
	if sp.from.IsZero() {
		out[0].from = time.Time{} // anything older than the epoch still belongs to the span
	}
	return out
}

// handOn records a listed run and passes it to the job listers unless there is nothing to list.
// It reports false when listing is to stop.
func (b *backfill) handOn(ctx context.Context, run *github.WorkflowRun, runs chan<- *runState) bool {
	b.mu.Lock()
	limited := b.opts.Limit > 0 && b.listedRuns >= b.opts.Limit
	if !limited {
		b.listedRuns++
	}
	b.mu.Unlock()
	created := run.GetCreatedAt().Time
	if limited {
		// Runs of the last listed second may be left: the known span ends after it.
		b.runs.knownDownTo(created.Truncate(time.Second).Add(time.Second))
		return false
	}
	b.update(func(p *Progress) { p.Runs++ })
	r, done := b.runs.add(run.GetID(), created, max(int(run.GetRunAttempt()), 1))
	switch {
	case done:
		return ctx.Err() == nil
	case run.GetStatus() != "completed":
		// Its jobs are listed by a later backfill (or the App's webhooks); unfinished until then.
		updateRun(r, func(r *runState) { r.failed = true })
		return ctx.Err() == nil
	case b.opts.FailedOnly && run.GetConclusion() == "success" && run.GetRunAttempt() <= 1:
		updateRun(r, func(r *runState) { r.listed = true }) // no failed job in it
		return ctx.Err() == nil
	}
	select {
	case runs <- r:
		return true
	case <-ctx.Done():
		b.runs.knownDownTo(created.Truncate(time.Second).Add(time.Second))
		return false
	}
}

// listRunJobs lists the jobs of every attempt of a run (filter=all) and hands them on. A run
// whose jobs cannot be listed stays unfinished and is reported; the backfill goes on.
func (b *backfill) listRunJobs(ctx context.Context, tasks chan<- task, r *runState) error {
	api := b.opts.Actions.API
	opts := &github.ListWorkflowJobsOptions{Filter: "all", ListOptions: github.ListOptions{PerPage: 100}}
	defer updateRun(r, func(r *runState) { r.listed = true })
	for {
		var page *github.Jobs
		var resp *github.Response
		err := b.polite.do(ctx, "jobs of run "+strconv.FormatInt(r.id, 10), func(rctx context.Context) error {
			var err error
			page, resp, err = api.Actions.ListWorkflowJobs(rctx, b.gh.Owner, b.gh.Name, r.id, opts)
			return err
		})
		if err != nil {
			updateRun(r, func(r *runState) { r.failed = true })
			if ctx.Err() == nil {
				b.failed(ctx, fmt.Sprintf("%s/%s run %d", ident.ProviderGitHubActions, b.opts.Repo, r.id),
					fmt.Errorf("listing jobs of workflow run %s#%d: %w", b.opts.Repo, r.id, err))
			}
			return nil
		}
		for _, wj := range page.Jobs {
			if wj.GetStatus() != "completed" {
				updateRun(r, func(r *runState) { r.failed = true })
				continue
			}
			more, err := b.listed(ctx, tasks, ciprovider.ActionsJob(b.opts.Repo, wj), b.actionsTask(wj.GetID(), r))
			if err != nil || !more {
				updateRun(r, func(r *runState) { r.failed = true })
				return err
			}
		}
		if resp.NextPage == 0 {
			return nil
		}
		opts.Page = resp.NextPage
	}
}

func (b *backfill) actionsTask(id int64, r *runState) task {
	return task{key: fmt.Sprintf("%s/%s/%d", ident.ProviderGitHubActions, b.opts.Repo, id), run: r,
		open: func(ctx context.Context) (io.ReadCloser, error) {
			return b.opts.Actions.OpenLog(ctx, b.gh.Owner, b.gh.Name, id)
		}}
}

// queueSample queues the logs of the newest SampleSuccess successful jobs of every job name that
// are not stored yet. The sample is chosen from the store, so it is the same whether or not the
// backfill was interrupted, and a resumed one completes it.
func (b *backfill) queueSample(ctx context.Context, tasks chan<- task) error {
	if b.opts.FailedOnly || b.opts.SampleSuccess <= 0 {
		return nil
	}
	jobs, err := b.opts.Store.SuccessSample(ctx, b.repo.ID, b.opts.Branch, ident.ProviderGitHubActions, b.opts.SampleSuccess)
	if err != nil {
		return fmt.Errorf("backfill %s: %w", b.opts.Repo, err)
	}
	for _, j := range jobs {
		if j.LogState != store.LogPending {
			continue
		}
		id, err := strconv.ParseInt(j.ExternalID, 10, 64)
		if err != nil {
			continue
		}
		t := b.actionsTask(id, nil)
		t.job = j
		if !b.queue(ctx, tasks, t) {
			return nil
		}
	}
	return nil
}
