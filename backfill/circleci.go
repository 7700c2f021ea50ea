package backfill

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/ident"
)

// circlePage is the page size of v1.1 listings (its maximum).
const circlePage = 100

// listCircle lists the branch's builds through v1.1 project/…/tree/BRANCH, newest first, paging
// with offset (v1.1 has no cursor and no date filter). v2 lists pipelines and jobs with richer
// metadata, but has no step-output endpoint, and the step output is the log, so v1.1 is used
// throughout. Builds an earlier backfill completely processed are skipped, and paging stops where
// the mark's span begins when it reaches back to the window's start.
func (b *backfill) listCircle(ctx context.Context, tasks chan<- task) error {
	tr := b.builds
	prev, since := tr.prev, ceilSecond(b.opts.Since)
	olderCovered := !prev.To.IsZero() && !prev.From.After(since)
	builds := 0
	for offset := 0; ; offset += circlePage {
		page, err := b.circleTree(ctx, offset)
		if err != nil {
			return err
		}
		for i := range page {
			cb := &page[i]
			if b.opts.Limit > 0 && builds >= b.opts.Limit {
				return nil
			}
			builds++
			if !b.opts.Since.IsZero() && cb.StartTime != nil && cb.StartTime.Before(b.opts.Since) {
				tr.knownDownTo(since)
				return nil
			}
			// Build numbers, and so queue times, grow: every build queued after this one is
			// listed by now.
			queued := tr.top
			if cb.QueuedAt != nil {
				queued = *cb.QueuedAt
			}
			if !prev.To.IsZero() && !queued.Before(prev.From) && queued.Before(prev.To) {
				if olderCovered {
					tr.knownDownTo(prev.To)
					return nil
				}
				continue
			}
			r, done := tr.add(int64(cb.BuildNum), queued, 1)
			tr.knownDownTo(queued.Truncate(time.Second).Add(time.Second))
			if done {
				continue
			}
			j := cb.AsJob(b.opts.Repo, "build")
			target := ciprovider.CircleTarget{VCS: b.opts.CircleVCS, Project: b.gh, BuildNum: cb.BuildNum}
			t := task{key: fmt.Sprintf("%s/%s/%d", ident.ProviderCircleCI, b.opts.Repo, cb.BuildNum), run: r,
				open: func(ctx context.Context) (io.ReadCloser, error) { return b.circleOutput(ctx, target) }}
			more, err := b.listed(ctx, tasks, j, t)
			updateRun(r, func(r *runState) { r.listed = true; r.failed = r.failed || !more || err != nil })
			if err != nil || !more {
				return err
			}
		}
		if len(page) < circlePage {
			tr.knownDownTo(time.Time{})
			return nil
		}
	}
}

// circleOutput fetches a build's details (for its steps) and streams its failed steps' output.
func (b *backfill) circleOutput(ctx context.Context, t ciprovider.CircleTarget) (io.ReadCloser, error) {
	build, err := b.opts.CircleCI.Build(ctx, t)
	if err != nil {
		return nil, err
	}
	if _, err := b.storeJob(ctx, build.AsJob(b.opts.Repo, "build")); err != nil { // records the failing step
		return nil, err
	}
	return b.opts.CircleCI.FailedOutput(ctx, build)
}

// circleTree fetches one page of the branch's builds.
func (b *backfill) circleTree(ctx context.Context, offset int) ([]ciprovider.CircleBuild, error) {
	c := b.opts.CircleCI
	q := url.Values{"limit": {strconv.Itoa(circlePage)}, "offset": {strconv.Itoa(offset)}, "shallow": {"true"}}
	if b.opts.FailedOnly {
		q.Set("filter", "failed")
	}
	u := fmt.Sprintf("%s/project/%s/%s/%s/tree/%s?%s", strings.TrimRight(c.BaseURL, "/"), b.opts.CircleVCS,
		url.PathEscape(b.gh.Owner), url.PathEscape(b.gh.Name), url.PathEscape(b.opts.Branch), q.Encode())
	what := fmt.Sprintf("CircleCI builds of %s on %s (offset %d)", b.opts.Repo, b.opts.Branch, offset)
	var page []ciprovider.CircleBuild
	err := b.polite.do(ctx, what, func(rctx context.Context) error {
		req, err := http.NewRequestWithContext(rctx, http.MethodGet, u, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		req.Header.Set("Accept", "application/json")
		if c.Token != "" {
			req.Header.Set("Circle-Token", c.Token)
		}
		resp, err := c.API.Do(req)
		if err != nil {
			return &ciprovider.RetryError{Err: fmt.Errorf("listing %s: %w", what, err)}
		}
		defer resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			after, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			return &ciprovider.RetryError{Err: fmt.Errorf("listing %s: HTTP %d", what, resp.StatusCode), After: secondsOf(after)}
		case resp.StatusCode != http.StatusOK:
			return fmt.Errorf("listing %s: HTTP %d", what, resp.StatusCode)
		}
		page = nil
		if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&page); err != nil {
			return fmt.Errorf("decoding %s: %w", what, err)
		}
		return nil
	})
	return page, err
}
