package store

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Tx is one write transaction on the store's database. The job queue lives in the same database
// (queue.Open builds it on Conn), so a job enqueued in a Tx (queue.EnqueueTx) commits or rolls
// back together with the Tx's writes: a webhook's delivery record and the job it queued are both
// stored or neither is.
type Tx interface {
	// RecordDelivery is Store.RecordDelivery inside the transaction.
	RecordDelivery(ctx context.Context, d Delivery) (bool, error)
	// Driver is the driver's own transaction, for the job queue's insert.
	Driver() DriverTx
}

// DriverTx is a transaction of one of the store's drivers: exactly one field is set.
type DriverTx struct {
	Pgx pgx.Tx  // Postgres
	SQL *sql.Tx // SQLite
}

// Conn is the store's connection pool, for the job queue built on the same database: exactly one
// field is set. The store owns it; closing the store closes it.
type Conn struct {
	Pgx *pgxpool.Pool // Postgres
	SQL *sql.DB       // SQLite
}
