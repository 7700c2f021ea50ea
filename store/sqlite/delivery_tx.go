package sqlite

import (
	"context"
	"database/sql"

	"github.com/totto-ci/totto/store"
)

// RecordDeliveryTx implements store.DeliveryTxRecorder: tx must be on this store's file (the job
// queue's transaction).
func (s *Store) RecordDeliveryTx(ctx context.Context, tx *sql.Tx, d store.Delivery) (bool, error) {
	return s.RecordDeliveryWith(ctx, d, func(ctx context.Context, q string, args ...any) (int64, error) {
		return exec(ctx, tx, q, args...)
	})
}
