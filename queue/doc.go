// Package queue runs the App's slow work (log downloads, scans, check-run updates) as durable jobs in
// the same database as the store, so that a webhook handler only enqueues and returns, no event is lost
// on restart, and a burst of events for one commit collapses into one piece of work.
//
// It is a thin layer over River (github.com/riverqueue/river). River was chosen over a home-grown
// table-and-poller because it already gives, on Postgres, what the App needs and what is hard to get
// right: transactional inserts, unique jobs enforced by a database index (so concurrent webhook
// deliveries cannot race past each other), scheduled jobs for debouncing, retries with a pluggable
// backoff and a maximum attempt count, panic recovery, leader-elected maintenance (rescuing jobs from a
// crashed process, pruning finished jobs), LISTEN/NOTIFY for low latency, and several processes sharing
// one queue via FOR UPDATE SKIP LOCKED. Its tables live in the store's database, on the store's own
// connection pool, so a job can be enqueued in a store transaction (EnqueueTx); they are migrated by
// rivermigrate at Open and by `totto migrate` (Migrate).
//
// What it costs on SQLite: River's SQLite driver is young (its own documentation calls it early
// testing with little real-world use); it has no LISTEN/NOTIFY, so workers poll (Options.PollInterval);
// it completes and inserts jobs one row at a time; and SQLite allows one writer at a time, so writes
// by the queue and by the store take turns on the database file (one in-process writer slot,
// internal/sqlitedb). That is fine for one App process
// with a modest event rate; several processes, or heavy traffic, should use Postgres.
package queue
