package ingest

import (
	"context"

	"github.com/totto-ci/totto/store"
)

// PatternAdder is the part of the store SyncBuiltins writes through.
type PatternAdder interface {
	AddPatterns(ctx context.Context, ps []store.Pattern, actor string) ([]store.PatternChange, error)
}

// LogStore is the part of the store a log is recorded through: its metadata, and its link to
// the job (or why there is none).
type LogStore interface {
	PutLog(ctx context.Context, l store.Log) (store.Log, error)
	SetJobLog(ctx context.Context, jobID int64, logID *int64, state store.LogState, reason string) error
}

var (
	_ PatternAdder = store.Store(nil)
	_ LogStore     = store.Store(nil)
)
