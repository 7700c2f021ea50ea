package backfill

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ciprovider"
)

// Target is one repository the App backfills on a schedule: its default branch, read with the
// installation's client.
type Target struct {
	Repo    string // owner/name
	Branch  string
	Actions *ciprovider.GitHubActions
}

// Schedule runs a bounded backfill of every installed repository's default branch at an
// interval, so history keeps up (jobs missed while the App was down, successful-job samples)
// without an operator running `totto backfill`. The App provides Targets (its installations'
// repositories, each with an installation client) and the bounds in Base.
type Schedule struct {
	// Interval between rounds (default 24h).
	Interval time.Duration
	// Targets lists the repositories for one round.
	Targets func(ctx context.Context) ([]Target, error)
	// Base holds everything but Repo, Branch and Actions: Store, Blobs, the bounds (Limit or
	// Since: a scheduled round should be bounded), Concurrency, Cache, Sleep.
	Base Options
	// MaxAge, when set, bounds every round to jobs created in the MaxAge before it starts
	// (replacing Base.Since), so a long-running App keeps a moving window rather than a fixed date.
	MaxAge time.Duration
}

// Round backfills every target once, one repository at a time (a round must not compete with
// the App's webhook work for the rate limit), and returns each repository's result. A failing
// repository is logged and the round goes on; the error joins all of them.
func (s *Schedule) Round(ctx context.Context) (map[string]Result, error) {
	targets, err := s.Targets(ctx)
	if err != nil {
		return nil, fmt.Errorf("scheduled backfill: listing repositories: %w", err)
	}
	results := map[string]Result{}
	var errs []error
	since := s.Base.Since
	if s.MaxAge > 0 {
		since = time.Now().Add(-s.MaxAge)
	}
	for _, t := range targets {
		o := s.Base
		o.Since = since
		o.Repo, o.Branch, o.Actions = t.Repo, t.Branch, t.Actions
		res, err := Run(ctx, o)
		results[t.Repo] = res
		if ctx.Err() != nil {
			return results, ctx.Err()
		}
		if err != nil {
			zerolog.Ctx(ctx).Warn().Err(err).Str("repo", t.Repo).Msg("scheduled backfill failed")
			errs = append(errs, err)
		}
	}
	return results, errors.Join(errs...)
}

// Run runs a round now and then every Interval until ctx is done.
func (s *Schedule) Run(ctx context.Context) error {
	every := s.Interval
	if every <= 0 {
		every = 24 * time.Hour
	}
	sleep := s.Base.Sleep
	if sleep == nil {
		sleep = ciprovider.SleepContext
	}
	for {
		if _, err := s.Round(ctx); err != nil && ctx.Err() == nil {
			zerolog.Ctx(ctx).Warn().Err(err).Msg("scheduled backfill round incomplete")
		}
		if err := sleep(ctx, every); err != nil {
			return err
		}
	}
}
