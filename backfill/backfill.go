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
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	"github.com/totto-ci/totto/verdicts"
)

// Options say what to backfill and how. Repo, Store, Blobs and at least one provider are required.
type Options struct {
	Repo   string // owner/name
	Branch string // default "main"
	// DefaultBranch is the repository's default branch, for the failing tests' history (a
	// failure there counts against everybody); default: Branch, which is usually it.
	DefaultBranch string
	// Public records the repository as public, its jobs and logs visible in the UI to everyone;
	// otherwise a new repository is private (readable by its GitHub readers only) and a known
	// one keeps the visibility its webhooks reported.
	Public bool
	// Since stops listing at jobs older than this (zero: no bound); Limit stops after listing
	// this many workflow runs (GitHub) or builds (CircleCI) per provider, newest first (0: no
	// bound). Runs a previous backfill completely processed are not listed again.
	Since time.Time
	Limit int
	// FailedOnly stores failed jobs only; otherwise every job is stored (for statistics) and
	// the logs of the newest SampleSuccess successful jobs of every job name are downloaded too,
	// so that pattern hits on successful jobs (false positives) can be measured.
	FailedOnly    bool
	SampleSuccess int
	// Concurrency bounds parallel requests: run and job listings and log downloads share it
	// (default 4).
	Concurrency int
	// MaxLogBytes keeps the tail of a longer log and marks it truncated (0: keep all); only
	// that tail is ever written to disk.
	MaxLogBytes int64

	Store Store
	Blobs blob.Store
	// Actions and CircleCI are the providers to read; nil skips one. CircleVCS is the CircleCI
	// project's VCS ("github" by default).
	Actions   *ciprovider.GitHubActions
	CircleCI  *ciprovider.CircleCI
	CircleVCS string
	// Cache, when set, keeps raw downloads on disk.
	Cache *Cache

	// Attempts bounds tries per request (default 5); Backoff is the first wait after a timeout
	// or 5xx, doubled each time (default 1s). Waiting out a rate limit uses no attempt.
	Attempts int
	Backoff  time.Duration
	// Now and Sleep are the clock; tests inject one that does not sleep.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Abort, when done, stops downloads in flight at once (a second Ctrl-C); nothing is stored
	// from them. Cancelling Run's ctx alone lets them finish.
	Abort context.Context
	// ScanWorkers is passed to the incremental scan (default: number of CPUs).
	ScanWorkers int
	// Progress, when set, is called (serially) after every change of the counters and at least
	// every second.
	Progress func(Progress)
}

// Progress counts a running backfill; a display derives rates and an ETA from it.
type Progress struct {
	Runs          int   // workflow runs listed
	RunsTotal     int   // workflow runs GitHub counts in the window (0: not known yet)
	Listed        int   // jobs listed from the providers
	ToFetch       int   // logs to obtain (not stored yet)
	Downloaded    int   // logs downloaded
	Bytes         int64 // raw bytes downloaded
	FromCache     int   // logs taken from the cache instead of downloaded
	AlreadyStored int   // jobs whose log was stored by an earlier run
	Unavailable   int   // logs gone (expired, deleted, never produced)
	Failed        int   // logs that could not be fetched after retries
	Scanned       int   // logs scanned by the incremental scan
	Retries       int   // requests sent again after a timeout, a cut body or a 5xx
	RateLimited   int   // rate-limit answers
	// WaitingUntil is when the rate-limit pause in force ends (zero: none).
	WaitingUntil time.Time
	ListingDone  bool
	Scanning     bool
	Elapsed      time.Duration
	// FirstLog is when the first log was stored, since the start (zero: none yet).
	FirstLog time.Duration
}

// Fetched is how many logs are done, whatever the outcome.
func (p Progress) Fetched() int { return p.Downloaded + p.FromCache + p.Unavailable + p.Failed }

// JobFailure is a job whose log could not be fetched, or a run whose jobs could not be listed;
// a later run tries it again.
type JobFailure struct {
	Job string
	Err error
}

// Result sums up a backfill.
type Result struct {
	Progress
	Failures []JobFailure
	// RateLimitWaits are the pauses the providers' rate limits imposed (concurrent answers
	// make one pause).
	RateLimitWaits []time.Duration
	// Capped names creation-time ranges in which GitHub listed only 1,000 of more runs even
	// after splitting to one second: their other runs were not backfilled.
	Capped []string
	// Leftovers counts temporary files of killed backfills removed at the start, and their bytes.
	Leftovers     int
	LeftoverBytes int64
}

// task is one job whose log is to be fetched.
type task struct {
	job  store.Job
	key  string    // cache key
	run  *runState // nil for a sampled successful job
	open func(ctx context.Context) (io.ReadCloser, error)
}

type backfill struct {
	opts   Options
	repo   store.Repository
	gh     ident.Repo // opts.Repo, parsed
	polite *polite
	start  time.Time
	runs   *tracker // GitHub Actions runs
	builds *tracker // CircleCI builds

	markMu    sync.Mutex
	markSaved bool // the final mark is saved

	mu         sync.Mutex
	progress   Progress
	failures   []JobFailure
	capped     []string
	listedRuns int
}

// Run backfills opts.Repo. Cancelling ctx stops listing and starting downloads; downloads in
// flight finish and are stored (unless opts.Abort ends too), what was completely processed is
// remembered, and the incremental scan is left to the next run (which resumes where this one
// stopped). The error is ctx's on cancellation, else the first listing or store error; per-job
// fetch failures are in the result.
func Run(ctx context.Context, opts Options) (Result, error) {
	gh, err := ident.ParseRepo(opts.Repo)
	if err != nil {
		return Result{}, fmt.Errorf("backfill: %w", err)
	}
	if opts.Store == nil || opts.Blobs == nil || (opts.Actions == nil && opts.CircleCI == nil) {
		return Result{}, errors.New("backfill: a store, a log store and at least one provider are required")
	}
	if opts.Branch == "" {
		opts.Branch = "main"
	}
	if opts.DefaultBranch == "" {
		opts.DefaultBranch = opts.Branch
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
		opts.Sleep = ciprovider.SleepContext
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Abort == nil {
		opts.Abort = context.WithoutCancel(ctx)
	}
	if opts.CircleVCS == "" {
		opts.CircleVCS = "github"
	}
	b := &backfill{opts: opts, gh: gh, start: time.Now(),
		polite: &polite{gate: &ciprovider.Gate{Now: opts.Now, Sleep: opts.Sleep}, slots: make(chan struct{}, opts.Concurrency),
			now: opts.Now, sleep: opts.Sleep, attempts: opts.Attempts, backoff: opts.Backoff}}
	repo, err := store.RecordRepository(ctx, opts.Store, opts.Repo, opts.Public)
	if err != nil {
		return Result{}, fmt.Errorf("backfill %s: %w", opts.Repo, err)
	}
	b.repo = repo
	log := zerolog.Ctx(ctx).With().Str("repo", opts.Repo).Str("branch", opts.Branch).Logger()
	ctx = log.WithContext(ctx)
	res := Result{}
	res.Leftovers, res.LeftoverBytes = removeLeftovers(ctx, opts.Cache)
	if err := b.loadMarks(ctx); err != nil {
		return res, err
	}

	stopTicker := b.tick(ctx)
	tasks := make(chan task, opts.Concurrency)
	var wg sync.WaitGroup
	for range opts.Concurrency {
		wg.Go(func() {
			for t := range tasks {
				if ctx.Err() != nil { // handed over as the run was cancelled: leave it to the next run
					b.resolve(t, false)
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
	markErr := b.saveMark(ctx, true)

	res = b.result(res)
	if ctx.Err() != nil {
		stopTicker()
		return res, ctx.Err()
	}
	if err := errors.Join(listErr, markErr); err != nil {
		stopTicker()
		return res, err
	}
	b.update(func(p *Progress) { p.Scanning = true })
	_, err = scan.Rescan(ctx, opts.Store, opts.Blobs, scan.RescanOptions{Workers: opts.ScanWorkers,
		Progress: func(rp scan.RescanProgress) { b.update(func(p *Progress) { p.Scanned = rp.Done }) }})
	b.update(func(p *Progress) { p.Scanning = false })
	stopTicker()
	res = b.result(res)
	if err != nil {
		return res, fmt.Errorf("backfill %s: scanning: %w", opts.Repo, err)
	}
	// The imported reruns and hits change the precision of patterns no triage of a new commit
	// may match again: the verdicts their demotion decided go stale now (the App's rescan job
	// decides them again).
	if changed, err := verdicts.WatchAccount(ctx, opts.Store, repo); err != nil {
		return res, fmt.Errorf("backfill %s: %w", opts.Repo, err)
	} else if len(changed) > 0 {
		log.Info().Ints64("patterns", changed).Msg("demotion changed by the imported history")
	}
	log.Info().Int("runs", res.Runs).Int("jobs", res.Listed).Int("downloaded", res.Downloaded).Int64("bytes", res.Bytes).
		Int("unavailable", res.Unavailable).Int("failed", res.Failed).Int("scanned", res.Scanned).
		Int("rate_limited", res.RateLimited).Int("retries", res.Retries).Msg("backfill done")
	return res, nil
}

// markEvery is how often a running backfill saves its mark.
var markEvery = 30 * time.Second

// tick reports progress every second even when nothing changes, so a pause shows (and a
// display writing to a pipe can print its periodic line), and saves the mark every markEvery;
// the returned func stops it.
func (b *backfill) tick(ctx context.Context) func() {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		lastSave := time.Now()
		for {
			select {
			case <-t.C:
				if b.opts.Progress != nil {
					b.update(func(*Progress) {})
				}
				if time.Since(lastSave) >= markEvery {
					lastSave = time.Now()
					if err := b.saveMark(ctx, false); err != nil {
						zerolog.Ctx(ctx).Warn().Err(err).Msg("backfill mark not saved; the final save tries again")
					}
				}
			case <-done:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return func() { close(done); <-stopped }
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

// failedConclusion says whether a listed job failed, so that its log is wanted.
func failedConclusion(conclusion string) bool {
	switch conclusion {
	case "failure", "timed_out", "startup_failure":
		return true
	}
	return false
}

// listed stores a listed job and, when it failed and its log is not stored yet, queues it. It
// returns false when ctx is done.
func (b *backfill) listed(ctx context.Context, tasks chan<- task, j *ciprovider.Job, t task) (bool, error) {
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
		b.update(func(p *Progress) { p.AlreadyStored++ })
		return ctx.Err() == nil, nil
	}
	if !failedConclusion(j.Conclusion) || sj.LogState == store.LogUnavailable {
		return ctx.Err() == nil, nil
	}
	t.job = sj
	return b.queue(ctx, tasks, t), nil
}

// queue hands a task to the download workers; false when ctx ended first.
func (b *backfill) queue(ctx context.Context, tasks chan<- task, t task) bool {
	updateRun(t.run, func(r *runState) { r.pending++ })
	b.update(func(p *Progress) { p.ToFetch++ })
	select {
	case tasks <- t:
		return true
	case <-ctx.Done():
		b.resolve(t, false)
		b.update(func(p *Progress) { p.ToFetch-- })
		return false
	}
}

// resolve records the outcome of a task for its run.
func (b *backfill) resolve(t task, ok bool) {
	updateRun(t.run, func(r *runState) {
		r.pending--
		r.failed = r.failed || !ok
	})
}

func (b *backfill) update(f func(*Progress)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f(&b.progress)
	b.progress.Elapsed = time.Since(b.start)
	b.progress.Retries = int(b.polite.retries.Load())
	b.progress.RateLimited = int(b.polite.limited.Load())
	b.progress.WaitingUntil = b.polite.gate.Until()
	if b.opts.Progress != nil {
		b.opts.Progress(b.progress)
	}
}

func (b *backfill) result(res Result) Result {
	b.mu.Lock()
	defer b.mu.Unlock()
	res.Progress = b.progress
	res.Progress.Retries = int(b.polite.retries.Load())
	res.Progress.RateLimited = int(b.polite.limited.Load())
	res.Progress.WaitingUntil = time.Time{}
	res.Failures = append([]JobFailure(nil), b.failures...)
	res.Capped = append([]string(nil), b.capped...)
	res.RateLimitWaits = b.polite.gate.Pauses()
	return res
}
