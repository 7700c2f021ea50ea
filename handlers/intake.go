package handlers

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

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
	// SharedTx, when set, records job events' deliveries in their enqueue's transaction (SQLite:
	// the store and the queue share one file). The App sets it when both open the same database.
	SharedTx store.DeliveryTxRecorder

	repos repoCache
}

// firstDelivery records the delivery and reports whether it is new. Handlers call it after
// deciding an event is relevant and before any side effect, so a redelivered webhook (same
// X-GitHub-Delivery) does nothing twice. A delivery without an id (never sent by GitHub) is
// treated as new: there is nothing to de-duplicate on.
//
// For commands the delivery is recorded before the work is enqueued: if the enqueue then fails
// the handler answers 500 and the error is logged with the delivery id, and a manual redelivery
// of that id would be ignored. The opposite order would run a slash command twice on redelivery
// of a finished one, which is worse. Job events take the opposite order (enqueueJobEvent).
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

// enqueueJobEvent queues the work of a CI job event, then records its delivery: the reverse of
// commands' order. Job work is unique per job while unfinished and idempotent once done, so
// running it again on a redelivery is harmless, whereas recording first and then failing to
// enqueue (a database connection cut mid-request) would make GitHub's redelivery of that id be
// ignored and the job lost.
//
// With SharedTx both happen in one transaction, so the order does not matter there.
func (in *Intake) enqueueJobEvent(ctx context.Context, deliveryID, event string, args river.JobArgs) error {
	if in.SharedTx != nil && deliveryID != "" {
		res, err := in.Queue.EnqueueWith(ctx, args, queue.EnqueueOpts{Unique: true}, func(ctx context.Context, tx *sql.Tx) error {
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
	if err := in.enqueue(ctx, args, queue.EnqueueOpts{Unique: true}); err != nil {
		return err
	}
	_, err := in.firstDelivery(ctx, deliveryID, event)
	return err
}

// badPayload wraps a decoding error so the dispatcher answers 400.
func badPayload(event string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrBadPayload, event, err)
}
