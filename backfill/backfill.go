// Package backfill fills the store with a branch's CI history (GitHub Actions and CircleCI): it
// lists past jobs, downloads failed jobs' logs and a sample of successful ones, stores them and
// runs the incremental scan, so patterns and statistics have history from day one instead of
// only the jobs seen since the App was installed. It is polite (bounded concurrency, provider
// rate limits obeyed), resumable (a job whose log is stored is never fetched again) and can keep
// raw downloads in an on-disk cache. `totto backfill` and the App's scheduled backfill call Run.
package backfill

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ci"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
)

// Options say what to backfill and how. Repo, Store, Blobs and at least one provider are required.
type Options struct {
	Repo   string // owner/name
	Branch string // default "main"
	// Public records the repository as public, its jobs and logs visible in the UI to everyone;
	// otherwise a new repository is private (readable by its GitHub readers only) and a known
	// one keeps the visibility its webhooks reported.
	Public bool
	// Since stops listing at jobs older than this (zero: no bound); Limit stops after this many
	// workflow runs (GitHub) or builds (CircleCI) per provider (0: no bound).
	Since time.Time
	Limit int
	// FailedOnly stores failed jobs only; otherwise every job is stored (for statistics) and
	// SampleSuccess successful jobs' logs are downloaded too, so that pattern hits on successful
	// jobs (false positives) can be measured.
	FailedOnly    bool
	SampleSuccess int
	// Concurrency bounds parallel log downloads (default 4).
	Concurrency int
	// MaxLogBytes keeps the tail of a longer log and marks it truncated (0: keep all).
	MaxLogBytes int64

	Store store.Store
	Blobs blob.Store
	// Actions and CircleCI are the providers to read; nil skips one. CircleVCS is the CircleCI
	// project's VCS ("github" by default).
	Actions   *ci.GitHubActions
	CircleCI  *ci.CircleCI
	CircleVCS string
	// Cache, when set, keeps raw downloads on disk.
	Cache *Cache

	// Attempts bounds tries per request (default 5); Backoff is the first wait after a timeout
	// or 5xx, doubled each time (default 1s).
	Attempts int
	Backoff  time.Duration
	// Sleep waits d or until ctx is done; tests inject one that does not sleep.
	Sleep func(ctx context.Context, d time.Duration) error
	// ScanWorkers is passed to the incremental scan (default: number of CPUs).
	ScanWorkers int
	// Progress, when set, is called (serially) after every change of the counters.
	Progress func(Progress)
}

// Progress counts a running backfill; a display derives rates and an ETA from it.
type Progress struct {
	Listed        int   // jobs listed from the providers
	ToFetch       int   // logs to obtain (not stored yet)
	Downloaded    int   // logs downloaded
	Bytes         int64 // raw bytes downloaded
	FromCache     int   // logs taken from the cache instead of downloaded
	AlreadyStored int   // jobs whose log was stored by an earlier run
	Unavailable   int   // logs gone (expired, deleted, never produced)
	Failed        int   // logs that could not be fetched after retries
	Scanned       int   // logs scanned by the incremental scan
	ListingDone   bool
	Scanning      bool
	Elapsed       time.Duration
}

// Fetched is how many logs are done, whatever the outcome.
func (p Progress) Fetched() int { return p.Downloaded + p.FromCache + p.Unavailable + p.Failed }

// JobFailure is a job whose log could not be fetched; a later run tries it again.
type JobFailure struct {
	Job string
	Err error
}

// Result sums up a backfill.
type Result struct {
	Progress
	Failures []JobFailure
	// RateLimitWaits are the pauses the providers asked for.
	RateLimitWaits []time.Duration
}

// task is one job whose log is to be fetched.
type task struct {
	job  store.Job
	key  string // cache key
	open func(ctx context.Context) (io.ReadCloser, error)
}

type backfill struct {
	opts   Options
	repo   store.Repository
	owner  string
	name   string
	polite *polite
	start  time.Time

	mu       sync.Mutex
	progress Progress
	failures []JobFailure
	sampled  int
}

// Run backfills opts.Repo. Cancelling ctx stops listing and starting downloads; downloads in
// flight finish and are stored, and the incremental scan is left to the next run (which resumes
// where this one stopped). The error is ctx's on cancellation, else the first listing or store
// error; per-job fetch failures are in the result.
func Run(ctx context.Context, opts Options) (Result, error) {
	owner, name, ok := strings.Cut(opts.Repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return Result{}, fmt.Errorf("backfill repository %q: want OWNER/NAME", opts.Repo)
	}
	if opts.Store == nil || opts.Blobs == nil || (opts.Actions == nil && opts.CircleCI == nil) {
		return Result{}, errors.New("backfill: a store, a log store and at least one provider are required")
	}
	if opts.Branch == "" {
		opts.Branch = "main"
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 5
	}
	if opts.Backoff <= 0 {
		opts.Backoff = time.Second
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepContext
	}
	if opts.CircleVCS == "" {
		opts.CircleVCS = "github"
	}
	b := &backfill{opts: opts, owner: owner, name: name, start: time.Now(),
		polite: &polite{sleep: opts.Sleep, attempts: opts.Attempts, backoff: opts.Backoff}}
	repo, err := store.RecordRepository(ctx, opts.Store, opts.Repo, opts.Public)
	if err != nil {
		return Result{}, fmt.Errorf("backfill %s: %w", opts.Repo, err)
	}
	b.repo = repo
	log := zerolog.Ctx(ctx).With().Str("repo", opts.Repo).Str("branch", opts.Branch).Logger()
	ctx = log.WithContext(ctx)

	tasks := make(chan task)
	var wg sync.WaitGroup
	for range opts.Concurrency {
		wg.Go(func() {
			for t := range tasks {
				if ctx.Err() != nil { // handed over as the run was cancelled: leave it to the next run
					b.update(func(p *Progress) { p.ToFetch-- })
					continue
				}
				b.fetch(ctx, t)
			}
		})
	}
	listErr := b.list(ctx, tasks)
	close(tasks)
	wg.Wait()
	b.update(func(p *Progress) { p.ListingDone = true })

	res := b.result()
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	if listErr != nil {
		return res, listErr
	}
	b.update(func(p *Progress) { p.Scanning = true })
	_, err = scan.Rescan(ctx, opts.Store, opts.Blobs, scan.RescanOptions{Workers: opts.ScanWorkers,
		Progress: func(rp scan.RescanProgress) { b.update(func(p *Progress) { p.Scanned = rp.Done }) }})
	b.update(func(p *Progress) { p.Scanning = false })
	res = b.result()
	if err != nil {
		return res, fmt.Errorf("backfill %s: scanning: %w", opts.Repo, err)
	}
	log.Info().Int("jobs", res.Listed).Int("downloaded", res.Downloaded).Int64("bytes", res.Bytes).
		Int("unavailable", res.Unavailable).Int("failed", res.Failed).Int("scanned", res.Scanned).Msg("backfill done")
	return res, nil
}

// list lists every configured provider, in turn, feeding tasks.
func (b *backfill) list(ctx context.Context, tasks chan<- task) error {
	if b.opts.Actions != nil {
		if err := b.listActions(ctx, tasks); err != nil {
			return err
		}
	}
	if b.opts.CircleCI != nil {
		if err := b.listCircle(ctx, tasks); err != nil {
			return err
		}
	}
	return nil
}

// wantLog says whether a listed job's log is to be fetched, counting the success sample.
func (b *backfill) wantLog(conclusion string) bool {
	switch conclusion {
	case "failure", "timed_out", "startup_failure":
		return true
	case "success":
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.sampled < b.opts.SampleSuccess {
			b.sampled++
			return true
		}
	}
	return false
}

// listed stores a listed job and, when its log is wanted and not stored yet, queues it. It
// returns false when ctx is done.
func (b *backfill) listed(ctx context.Context, tasks chan<- task, j *ci.Job, t task) (bool, error) {
	failed := j.Conclusion != "success" && j.Conclusion != "skipped" && j.Conclusion != "cancelled" && j.Conclusion != "neutral"
	if b.opts.FailedOnly && !failed {
		return ctx.Err() == nil, nil
	}
	sj, err := b.storeJob(ctx, j)
	if err != nil {
		return false, err
	}
	b.update(func(p *Progress) { p.Listed++ })
	if sj.LogState == store.LogStored {
		b.wantLog(j.Conclusion) // a stored success counts towards the sample: a re-run samples no more
		b.update(func(p *Progress) { p.AlreadyStored++ })
		return ctx.Err() == nil, nil
	}
	// CircleCI v1.1 serves output per step; a successful build has no failed step to sample.
	if j.Provider == ci.ProviderCircleCI && j.Conclusion == "success" || !b.wantLog(j.Conclusion) {
		return ctx.Err() == nil, nil
	}
	t.job = sj
	b.update(func(p *Progress) { p.ToFetch++ })
	select {
	case tasks <- t:
		return true, nil
	case <-ctx.Done():
		b.update(func(p *Progress) { p.ToFetch-- })
		return false, nil
	}
}

func (b *backfill) update(f func(*Progress)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f(&b.progress)
	b.progress.Elapsed = time.Since(b.start)
	if b.opts.Progress != nil {
		b.opts.Progress(b.progress)
	}
}

func (b *backfill) result() Result {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.polite.mu.Lock()
	defer b.polite.mu.Unlock()
	return Result{Progress: b.progress, Failures: append([]JobFailure(nil), b.failures...),
		RateLimitWaits: append([]time.Duration(nil), b.polite.waits...)}
}
