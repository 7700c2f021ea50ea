package store

import "context"

// CauseLineCache keeps, per stored log, the line that most likely says why its job failed
// (triage.CauseLine of the log's likely-cause excerpt). Finding it means reading the whole log;
// pattern suggestions need it for hundreds of unexplained failures per check run, so it is worked
// out once, when triage first reads the log, and kept; a role of Store.
type CauseLineCache interface {
	// PutCauseLine records the cause line of a log ("" when the log has none); a log's content
	// never changes, so a line already recorded is kept.
	PutCauseLine(ctx context.Context, logID int64, line string) error
	// CauseLines returns the recorded cause lines of the logs that have one, by log id; logs
	// never recorded are absent.
	CauseLines(ctx context.Context, logIDs []int64) (map[int64]string, error)
}
