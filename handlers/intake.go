package handlers

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ci"
	"github.com/totto-ci/totto/queue"
	"github.com/totto-ci/totto/store"
)

// ErrBadPayload marks a webhook body that is not the JSON its event promises; the dispatcher
// answers 400 for it, so a sender bug is not mistaken for a server fault.
var ErrBadPayload = errors.New("malformed webhook payload")

// Intake is what every event handler shares: where deliveries are remembered and where durable
// work goes, and who we are (so our own check runs are not triaged).
type Intake struct {
	Store store.Store
	Queue *queue.Queue
	// AppID is this GitHub App's id; check runs created by it are ignored.
	AppID int64
	// SharedTx, when set, records queued events' deliveries (job events, commands) in their
	// enqueue's transaction (SQLite: the store and the queue share one file). The App sets it
	// when the store can; an in-memory queue, not the store's database, declines it.
	SharedTx store.DeliveryTxRecorder
	// CircleCI says which status target hosts are CircleCI's (circleci.com and a configured
	// CircleCI Server).
	CircleCI ci.CircleSite

	repos repoCache
}

// firstDelivery records the delivery and reports whether it is new. Handlers whose work is not
// queued (installations, pushes) call it after deciding an event is relevant and before any side
// effect, so a redelivered webhook (same X-GitHub-Delivery) does nothing twice. A delivery without
// an id (never sent by GitHub) is treated as new: there is nothing to de-duplicate on.
func (in *Intake) firstDelivery(ctx context.Context, deliveryID, event string) (bool, error) {
	if deliveryID == "" {
		return true, nil
	}
	isNew, err := in.Store.RecordDelivery(ctx, store.Delivery{ID: deliveryID, Event: event, ReceivedAt: time.Now().UTC()})
	if err != nil {
		return false, fmt.Errorf("record %s delivery %s: %w", event, deliveryID, err)
	}
	return isNew, nil
}

// enqueue stores one durable job and logs whether it was new or a duplicate of unfinished work.
func (in *Intake) enqueue(ctx context.Context, args river.JobArgs, opts queue.EnqueueOpts) error {
	res, err := in.Queue.Enqueue(ctx, args, opts)
	if err != nil {
		return err
	}
	logEnqueued(ctx, args, res)
	return nil
}

func logEnqueued(ctx context.Context, args river.JobArgs, res queue.Enqueued) {
	ev := zerolog.Ctx(ctx).Info()
	if res.Duplicate {
		ev = zerolog.Ctx(ctx).Debug()
	}
	ev.Str("job_kind", args.Kind()).Int64("queue_job_id", res.JobID).Bool("duplicate", res.Duplicate).Msg("enqueued")
}

// enqueueRecorded queues an event's work, then records its delivery. Recording first and then
// failing to enqueue (a database connection cut, Postgres restarting) would make GitHub's
// redelivery of that id be ignored and the work lost: the reliability suite lost a slash command
// that way. In this order a redelivery enqueues again, which is harmless: job work is unique per
// job while unfinished and idempotent once done; a command is unique per comment even once it
// ran (opts.UniqueAfterFinish), and its effects and reply are idempotent (the reply marker)
// after River has forgotten it.
//
// With SharedTx (SQLite) both happen in one transaction, so either both are stored or neither.
func (in *Intake) enqueueRecorded(ctx context.Context, deliveryID, event string, args river.JobArgs, opts queue.EnqueueOpts) error {
	if in.SharedTx != nil && deliveryID != "" {
		res, err := in.Queue.EnqueueWith(ctx, args, opts, func(ctx context.Context, tx *sql.Tx) error {
			_, err := in.SharedTx.RecordDeliveryTx(ctx, tx, store.Delivery{ID: deliveryID, Event: event, ReceivedAt: time.Now().UTC()})
			if err != nil {
				return fmt.Errorf("record %s delivery %s: %w", event, deliveryID, err)
			}
			return nil
		})
		if !errors.Is(err, queue.ErrNoSharedTx) {
			if err == nil {
				logEnqueued(ctx, args, res)
			}
			return err
		}
	}
	if err := in.enqueue(ctx, args, opts); err != nil {
		return err
	}
	_, err := in.firstDelivery(ctx, deliveryID, event)
	return err
}

// badPayload wraps a decoding error so the dispatcher answers 400.
func badPayload(event string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrBadPayload, event, err)
}
