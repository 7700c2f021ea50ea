package handlers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ciprovider"
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
	// CircleCI says which status target hosts are CircleCI's (circleci.com and a configured
	// CircleCI Server).
	CircleCI ciprovider.CircleSite

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

// enqueueRecorded records an event's delivery and queues its work in one store transaction, so
// both are stored or neither is: a failure (a connection cut, Postgres restarting) leaves nothing,
// and GitHub's redelivery of the same id does the work. A redelivery after success finds the
// delivery recorded and queues nothing. Without a delivery id there is nothing to record.
func (in *Intake) enqueueRecorded(ctx context.Context, deliveryID, event string, args river.JobArgs, opts queue.EnqueueOpts) error {
	if deliveryID == "" {
		return in.enqueue(ctx, args, opts)
	}
	var res queue.Enqueued
	isNew := false
	err := in.Store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if isNew, err = tx.RecordDelivery(ctx, store.Delivery{ID: deliveryID, Event: event, ReceivedAt: time.Now().UTC()}); err != nil {
			return fmt.Errorf("record %s delivery %s: %w", event, deliveryID, err)
		}
		if !isNew {
			return nil
		}
		res, err = in.Queue.EnqueueTx(ctx, tx, args, opts)
		return err
	})
	if err != nil {
		return err
	}
	if isNew {
		logEnqueued(ctx, args, res)
	} else {
		zerolog.Ctx(ctx).Debug().Str("delivery", deliveryID).Msg("redelivery: already queued")
	}
	return nil
}

// badPayload wraps a decoding error so the dispatcher answers 400.
func badPayload(event string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrBadPayload, event, err)
}
