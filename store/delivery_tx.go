package store

import (
	"context"
	"database/sql"
)

// DeliveryTxRecorder is a store that can record a delivery inside a transaction of the job
// queue's (SQLite, where both live in one file): a job event's enqueue and its delivery record
// then commit together and take SQLite's single writer slot once, which is most of what a
// webhook's acknowledgement waits for under load.
type DeliveryTxRecorder interface {
	RecordDeliveryTx(ctx context.Context, tx *sql.Tx, d Delivery) (bool, error)
}
