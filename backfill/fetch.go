package backfill

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
)

// storeJob upserts a listed job. The returned job says whether its log is already stored.
func (b *backfill) storeJob(ctx context.Context, j *ciprovider.Job) (store.Job, error) {
	sj, err := b.opts.Store.UpsertJob(ctx, ingest.Job(b.repo.ID, j))
	if err != nil {
		return store.Job{}, fmt.Errorf("backfill: storing job %s/%s: %w", j.Provider, j.ExternalID, err)
	}
	return sj, nil
}

// fetch obtains one job's log (from the cache or the provider), stores and links it, or records
// why there is none. Once started, a download finishes even if ctx is cancelled, so an
// interrupted backfill never throws away a download it paid for; only opts.Abort stops it, and
// then nothing of it is stored.
func (b *backfill) fetch(ctx context.Context, t task) {
	log := zerolog.Ctx(ctx).With().Str("job", t.job.Name).Str("id", t.job.ExternalID).Int("attempt", t.job.Attempt).Logger()
	ctx = log.WithContext(ctx)
	if b.opts.Cache != nil {
		if f, size, ok := b.opts.Cache.Open(t.key); ok {
			err := b.storeFile(context.WithoutCancel(ctx), t.job, f, size)
			f.Close()
			if err == nil {
				b.opts.Cache.stored(t.key)
				b.resolve(t, true)
				b.update(func(p *Progress) { p.FromCache++; b.firstLog(p) })
				return
			}
			log.Warn().Err(err).Msg("cached log unusable; downloading it again")
		}
	}
	dl, err := newDownload(b.opts.Cache, b.opts.MaxLogBytes)
	if err != nil {
		b.failedTask(ctx, t, err)
		return
	}
	defer dl.discard()

	inFlight := b.opts.Abort
	err = b.polite.do(ctx, "log of "+t.key, func(rctx context.Context) error {
		if err := dl.reset(); err != nil {
			return err
		}
		rc, err := t.open(detached{inFlight, rctx})
		if err != nil {
			return err
		}
		defer rc.Close()
		if _, err := io.Copy(dl, rc); err != nil {
			if inFlight.Err() != nil {
				return inFlight.Err()
			}
			// A body cut short (connection closed before Content-Length) is retried like a 5xx.
			return &ciprovider.RetryError{Err: fmt.Errorf("reading log of %s: %w", t.key, err)}
		}
		return nil
	})
	if inFlight.Err() != nil {
		b.failedTask(ctx, t, fmt.Errorf("download aborted: %w", inFlight.Err()))
		return
	}
	switch {
	case ciprovider.IsUnavailable(err):
		if err := ingest.NoLog(context.WithoutCancel(ctx), b.opts.Store, t.job.ID, err.Error()); err != nil {
			b.failedTask(ctx, t, err)
			return
		}
		log.Info().Str("reason", err.Error()).Msg("log unavailable")
		b.resolve(t, true)
		b.update(func(p *Progress) { p.Unavailable++ })
		return
	case err != nil:
		b.failedTask(ctx, t, err)
		return
	}
	if err := b.storeFile(context.WithoutCancel(ctx), t.job, dl, dl.size); errors.Is(err, ingest.ErrBinary) {
		// Not a log: say so on the job, as for a log that is gone; another run would get the same.
		if err := ingest.NoLog(context.WithoutCancel(ctx), b.opts.Store, t.job.ID, "log refused: "+ingest.ErrBinary.Error()); err != nil {
			b.failedTask(ctx, t, err)
			return
		}
		log.Warn().Err(err).Msg("log refused")
		b.resolve(t, true)
		b.update(func(p *Progress) { p.Unavailable++ })
		return
	} else if err != nil {
		b.failedTask(ctx, t, err)
		return
	}
	if b.opts.Cache != nil && dl.whole() {
		if err := b.opts.Cache.commit(dl.f.Name(), t.key); err != nil {
			log.Warn().Err(err).Msg("log not cached")
		}
	}
	b.resolve(t, true)
	b.update(func(p *Progress) { p.Downloaded++; p.Bytes += dl.size; b.firstLog(p) })
}

// firstLog notes when the first log was stored.
func (b *backfill) firstLog(p *Progress) {
	if p.FirstLog == 0 {
		p.FirstLog = max(time.Since(b.start), time.Nanosecond)
	}
}

// storeFile stores a downloaded or cached log, links it to its job and records the failing tests
// it names (as the App does; a backfilled job has no pull request).
func (b *backfill) storeFile(ctx context.Context, j store.Job, f io.ReaderAt, size int64) error {
	// The read that stores the log extracts its failing tests; the logs are scanned together
	// when the run ends, by parallel workers.
	pass := scan.NewPass(nil, "", j.Name)
	l, err := ingest.StoreLogFile(ctx, b.opts.Store, b.opts.Blobs, f, size, b.opts.MaxLogBytes, pass.Read)
	if err != nil {
		return fmt.Errorf("log of job %d (%s): %w", j.ID, j.Name, err)
	}
	if err := ingest.Link(ctx, b.opts.Store, j.ID, l); err != nil {
		return err
	}
	j.LogID = &l.ID
	return scan.RecordFoundTests(ctx, b.opts.Store, j, pass.Tests(), b.opts.Now(), func(context.Context) scan.TestsWhere {
		return scan.TestsWhere{DefaultBranch: j.Branch == b.opts.DefaultBranch}
	})
}

func (b *backfill) failedTask(ctx context.Context, t task, err error) {
	b.resolve(t, false)
	b.failed(ctx, t.key, err)
	b.update(func(p *Progress) { p.Failed++ })
}

// failed records what a later run tries again.
func (b *backfill) failed(ctx context.Context, what string, err error) {
	zerolog.Ctx(ctx).Warn().Err(err).Str("what", what).Msg("not fetched; a later run tries again")
	b.mu.Lock()
	b.failures = append(b.failures, JobFailure{Job: what, Err: err})
	b.mu.Unlock()
}

// detached is a context whose end is the abort context's (a download in flight completes when
// the run is cancelled, and stops at once when it is aborted) but which carries the values of
// the request context (go-github's rate-limit bypass).
type detached struct {
	context.Context
	values context.Context
}

func (d detached) Value(key any) any { return d.values.Value(key) }
