package store

import "context"

// FailureHistories keeps each triaged log's failure shape key and answers where a failure was
// seen before: the jobs whose likely cause had the same shape key, or that a pattern matched.
// Pages read it instead of re-reading logs; a role of Store.
type FailureHistories interface {
	// PutCauseShape records the shape key of a log's likely-cause line and that line's
	// number ("" and 0 when the log has none); a log's content never changes, so what is
	// recorded is kept.
	PutCauseShape(ctx context.Context, logID int64, line int, shapeKey string) error
	// CauseShape returns what PutCauseShape recorded for a log; ok is false when nothing was.
	CauseShape(ctx context.Context, logID int64) (line int, shapeKey string, ok bool, err error)
	// ShapeHistory is the jobs of the audience's repositories whose log has the shape key.
	ShapeHistory(ctx context.Context, shapeKey string, aud Audience, limit int) (FailureHistory, error)
	// PatternHistory is the failed jobs of the audience's repositories a pattern matched (only
	// in repositories the pattern applies to).
	PatternHistory(ctx context.Context, patternID int64, aud Audience, limit int) (FailureHistory, error)
}

// FailureHistory is where one failure was seen: how many jobs, the first of them, and the most
// recent ones (newest first, at most the limit asked for). A job's CompletedAt is when it
// completed, else when it was recorded.
type FailureHistory struct {
	Total  int
	First  *MatchJob
	Recent []MatchJob
}
