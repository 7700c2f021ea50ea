package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/riverqueue/river"
)

// ShutdownGrace bounds how long Serve waits, after its context ends, for in-flight requests and
// then running jobs to finish; jobs still running after it are cancelled and retried later.
const ShutdownGrace = 30 * time.Second

// Serve starts the queue's workers and the scheduled backfill and serves HTTP on ln until ctx ends
// (SIGTERM), then stops accepting requests, drains in-flight ones, stops the backfill, stops the
// queue (running jobs get ShutdownGrace to finish) and releases everything. It returns nil after a clean shutdown.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	logger := a.logger
	// The queue's context must outlive ctx: cancelling it would cancel running jobs at once
	// instead of letting Stop drain them.
	if err := a.Queue.Start(logger.WithContext(context.WithoutCancel(ctx))); err != nil {
		a.Close()
		return err
	}
	// Logs left unscanned (a rescan cut short by a crash, patterns added by another process)
	// are picked up at start; a no-op when nothing is pending.
	if err := a.rescans.QueueRescan(logger.WithContext(ctx)); err != nil {
		logger.Error().Err(err).Msg("queue the rescan of stored logs")
	}
	stopCounting := a.countQueueJobs()
	stopBackfill := a.startBackfill(logger.WithContext(ctx))
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return logger.WithContext(context.Background()) },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	var metricsSrv *http.Server
	if a.metricsLn != nil {
		metricsSrv = &http.Server{Handler: metricsHandler(a.Metrics), ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
		ml := a.metricsLn
		a.metricsLn = nil // Serve owns it now: Shutdown closes it
		go func() {
			if err := metricsSrv.Serve(ml); !errors.Is(err, http.ErrServerClosed) {
				logger.Error().Err(err).Msg("metrics listener stopped")
			}
		}()
		logger.Info().Str("metrics_listen", ml.Addr().String()).Msg("serving /metrics on its own address")
	}
	logger.Info().Str("listen", ln.Addr().String()).Str("webhook_path", WebhookPath).Msg("totto serving")
	if a.devInsecure {
		logger.Warn().Msg("DEV-INSECURE: webhook signatures are not checked; never expose this server")
	}
	if a.auth != nil {
		// GitHub may be briefly unreachable at start, so a refusal is reported (and /readyz
		// fails) rather than stopping the process.
		go func() {
			if err := a.auth.refresh(context.WithoutCancel(ctx)); err != nil {
				logger.Error().Err(err).Msg("GitHub does not accept the App's credentials; jobs wait until they are fixed (`totto check`)")
			}
		}()
	}

	var serveErr error
	select {
	case <-ctx.Done():
		logger.Info().Msg("shutting down: draining HTTP requests")
	case serveErr = <-served:
		serveErr = fmt.Errorf("http server on %s: %w", ln.Addr(), serveErr)
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		serveErr = errors.Join(serveErr, fmt.Errorf("http shutdown: %w", err))
	}
	if metricsSrv != nil {
		if err := metricsSrv.Shutdown(shutdownCtx); err != nil {
			serveErr = errors.Join(serveErr, fmt.Errorf("metrics shutdown: %w", err))
		}
	}
	stopBackfill()
	logger.Info().Msg("shutting down: stopping the queue")
	if err := a.Queue.Stop(shutdownCtx); err != nil {
		serveErr = errors.Join(serveErr, err)
	}
	a.Queue = nil // stopped: Close must not stop it again
	stopCounting()
	a.Close()
	logger.Info().Msg("totto stopped")
	return serveErr
}

// startBackfill runs the scheduled backfill (when configured) until the returned func is called,
// which cancels a round in progress and waits for it to stop: the store must outlive it. A job
// whose log was not stored yet is fetched again by the next round.
func (a *App) startBackfill(ctx context.Context) func() {
	if a.schedule == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.logger.Info().Dur("interval", a.schedule.Interval).Msg("scheduled backfill started")
		if err := a.schedule.Run(ctx); !errors.Is(err, context.Canceled) {
			a.logger.Error().Err(err).Msg("scheduled backfill stopped")
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// Close releases the queue, the log store and the store. Serve calls it on the way out; call it
// directly for an App that was built but never served.
func (a *App) Close() {
	if a.metricsLn != nil {
		_ = a.metricsLn.Close() // never served
		a.metricsLn = nil
	}
	if a.Queue != nil {
		if err := a.Queue.Stop(context.Background()); err != nil {
			a.logger.Error().Err(err).Msg("stop queue")
		}
		a.Queue = nil
	}
	if a.Blobs != nil {
		if err := a.Blobs.Close(); err != nil {
			a.logger.Error().Err(err).Msg("close log storage")
		}
		a.Blobs = nil
	}
	if a.Store != nil {
		if err := a.Store.Close(); err != nil {
			a.logger.Error().Err(err).Msg("close store")
		}
		a.Store = nil
	}
}

// countQueueJobs counts this process's job outcomes into Metrics.QueueJobs until the returned
// func is called (which waits for the counter to stop).
func (a *App) countQueueJobs() func() {
	events, unsubscribe := a.Queue.Subscribe(
		river.EventKindJobCompleted, river.EventKindJobFailed,
		river.EventKindJobCancelled, river.EventKindJobSnoozed,
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range events {
			if ev == nil || ev.Job == nil {
				continue
			}
			a.Metrics.QueueJobs.WithLabelValues(ev.Job.Kind, string(ev.Job.State)).Inc()
			if ev.JobStats != nil {
				a.Metrics.JobSeconds.WithLabelValues(ev.Job.Kind).Observe(ev.JobStats.RunDuration.Seconds())
			}
		}
	}()
	return func() {
		unsubscribe()
		<-done
	}
}

// queueBacklog reads the queue's backlog for the depth and age gauges.
func (a *App) queueBacklog(ctx context.Context) (map[string]int64, time.Duration, error) {
	q := a.Queue
	if q == nil {
		return nil, 0, errors.New("queue closed")
	}
	b, err := q.Backlog(ctx)
	return b.ByState, b.OldestWait, err
}
