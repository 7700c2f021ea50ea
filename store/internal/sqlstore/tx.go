package sqlstore

import (
	"context"

	"github.com/totto-ci/totto/store"
)

// InTx implements store.Store.
func (s *Store) InTx(ctx context.Context, fn func(store.Tx) error) error {
	return s.inDriverTx(ctx, func(tx Tx) error {
		return fn(storeTx{x: q{d: &s.Dialect, qq: tx}, tx: tx})
	})
}

// storeTx is the store.Tx of one transaction.
type storeTx struct {
	x  q
	tx Tx
}

func (t storeTx) RecordDelivery(ctx context.Context, d store.Delivery) (bool, error) {
	return recordDelivery(ctx, t.x, d)
}

func (t storeTx) Driver() store.DriverTx { return t.tx.Driver() }
