package backfill

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ci"
	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/store"
)

// storeJob upserts a listed job. The returned job says whether its log is already stored.
func (b *backfill) storeJob(ctx context.Context, j *ci.Job) (store.Job, error) {
	sj, err := b.opts.Store.UpsertJob(ctx, ingest.Job(b.repo.ID, j))
	if err != nil {
		return store.Job{}, fmt.Errorf("backfill: storing job %s/%s: %w", j.Provider, j.ExternalID, err)
	}
	return sj, nil
}

// fetch obtains one job's log (from the cache or the provider), stores and links it, or records
// why there is none. Once started, a download finishes even if ctx is cancelled, so an
// interrupted backfill never throws away a download it paid for.
func (b *backfill) fetch(ctx context.Context, t task) {
	log := zerolog.Ctx(ctx).With().Str("job", t.job.Name).Str("id", t.job.ExternalID).Int("attempt", t.job.Attempt).Logger()
	ctx = log.WithContext(ctx)
	if b.opts.Cache != nil {
		if f, size, ok := b.opts.Cache.Open(t.key); ok {
			err := b.storeFile(context.WithoutCancel(ctx), t.job, f, size)
			f.Close()
			if err == nil {
				b.update(func(p *Progress) { p.FromCache++ })
				return
			}
			log.Warn().Err(err).Msg("cached log unusable; downloading it again")
		}
	}
	var (
		f   *os.File
		err error
	)
	if b.opts.Cache != nil {
		f, err = b.opts.Cache.tempFile()
	} else {
		f, err = os.CreateTemp("", "totto-backfill-*")
	}
	if err != nil {
		b.failed(ctx, t, err)
		return
	}
	defer os.Remove(f.Name())
	defer f.Close()

	inFlight := context.WithoutCancel(ctx)
	var size int64
	err = b.polite.do(ctx, "log of "+t.key, func(rctx context.Context) error {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if err := f.Truncate(0); err != nil {
			return err
		}
		rc, err := t.open(detached{inFlight, rctx})
		if err != nil {
			return err
		}
		defer rc.Close()
		size, err = io.Copy(f, rc)
		return err
	})
	switch {
	case ci.IsUnavailable(err):
		if err := ingest.NoLog(ctx, b.opts.Store, t.job.ID, err.Error()); err != nil {
			b.failed(ctx, t, err)
			return
		}
		log.Info().Str("reason", err.Error()).Msg("log unavailable")
		b.update(func(p *Progress) { p.Unavailable++ })
		return
	case err != nil:
		b.failed(ctx, t, err)
		return
	}
	if err := b.storeFile(inFlight, t.job, f, size); err != nil {
		b.failed(ctx, t, err)
		return
	}
	if b.opts.Cache != nil {
		if err := b.opts.Cache.commit(f.Name(), t.key); err != nil {
			log.Warn().Err(err).Msg("log not cached")
		}
	}
	b.update(func(p *Progress) { p.Downloaded++; p.Bytes += size })
}

// storeFile stores a downloaded or cached log and links it to its job.
func (b *backfill) storeFile(ctx context.Context, j store.Job, f *os.File, size int64) error {
	l, err := ingest.StoreLogFile(ctx, b.opts.Store, b.opts.Blobs, f, size, b.opts.MaxLogBytes)
	if err != nil {
		return fmt.Errorf("log of job %d (%s): %w", j.ID, j.Name, err)
	}
	return ingest.Link(ctx, b.opts.Store, j.ID, l)
}

func (b *backfill) failed(ctx context.Context, t task, err error) {
	zerolog.Ctx(ctx).Warn().Err(err).Msg("log not fetched; a later run tries again")
	b.mu.Lock()
	b.failures = append(b.failures, JobFailure{Job: t.key, Err: err})
	b.mu.Unlock()
	b.update(func(p *Progress) { p.Failed++ })
}

// detached is a context that is never cancelled (a download in flight completes) but carries
// the values of the request context (go-github's rate-limit bypass).
type detached struct {
	context.Context
	values context.Context
}

func (d detached) Value(key any) any { return d.values.Value(key) }
