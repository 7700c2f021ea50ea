package backfill

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/google/go-github/v89/github"

	"github.com/totto-ci/totto/ci"
)

// listActions lists the branch's workflow runs, newest first, page by page (GitHub's Link
// header), and every job of every attempt of each run.
func (b *backfill) listActions(ctx context.Context, tasks chan<- task) error {
	api := b.opts.Actions.API
	opts := &github.ListWorkflowRunsOptions{Branch: b.opts.Branch, ListOptions: github.ListOptions{PerPage: 100}}
	// Since is applied here rather than with created=">=DATE": runs come newest first, so
	// listing stops at the first older run, and GitHub's OpenAPI description types created as a
	// plain date-time, which a range qualifier does not conform to.
	runs := 0
	for {
		var page *github.WorkflowRuns
		var resp *github.Response
		err := b.polite.do(ctx, "workflow runs", func(rctx context.Context) error {
			var err error
			page, resp, err = api.Actions.ListRepositoryWorkflowRuns(rctx, b.owner, b.name, opts)
			return err
		})
		if err != nil {
			return fmt.Errorf("listing workflow runs of %s on %s: %w", b.opts.Repo, b.opts.Branch, err)
		}
		for _, run := range page.WorkflowRuns {
			if b.opts.Limit > 0 && runs >= b.opts.Limit {
				return nil
			}
			runs++
			if !b.opts.Since.IsZero() && run.GetCreatedAt().Before(b.opts.Since) {
				return nil
			}
			if run.GetStatus() != "completed" {
				continue // its jobs are listed by a later backfill or by the App's webhooks
			}
			if b.opts.FailedOnly && run.GetConclusion() == "success" && run.GetRunAttempt() <= 1 {
				continue // no failed job in it
			}
			more, err := b.listRunJobs(ctx, tasks, run.GetID())
			if err != nil || !more {
				return err
			}
		}
		if resp.NextPage == 0 {
			return nil
		}
		opts.Page = resp.NextPage
	}
}

// listRunJobs lists the jobs of every attempt of a run (filter=all) and hands them on.
func (b *backfill) listRunJobs(ctx context.Context, tasks chan<- task, runID int64) (bool, error) {
	api := b.opts.Actions.API
	opts := &github.ListWorkflowJobsOptions{Filter: "all", ListOptions: github.ListOptions{PerPage: 100}}
	for {
		var page *github.Jobs
		var resp *github.Response
		err := b.polite.do(ctx, "jobs of run "+strconv.FormatInt(runID, 10), func(rctx context.Context) error {
			var err error
			page, resp, err = api.Actions.ListWorkflowJobs(rctx, b.owner, b.name, runID, opts)
			return err
		})
		if err != nil {
			return false, fmt.Errorf("listing jobs of workflow run %s#%d: %w", b.opts.Repo, runID, err)
		}
		for _, wj := range page.Jobs {
			if wj.GetStatus() != "completed" {
				continue
			}
			id := wj.GetID()
			j := ci.ActionsJob(b.opts.Repo, wj)
			t := task{key: fmt.Sprintf("%s/%s/%d", ci.ProviderGitHubActions, b.opts.Repo, id),
				open: func(ctx context.Context) (io.ReadCloser, error) {
					return b.opts.Actions.OpenLog(ctx, b.owner, b.name, id)
				}}
			more, err := b.listed(ctx, tasks, j, t)
			if err != nil || !more {
				return more, err
			}
		}
		if resp.NextPage == 0 {
			return true, nil
		}
		opts.Page = resp.NextPage
	}
}
