package sqlite

import (
	"context"
	"time"

	"github.com/totto-ci/totto/store"
)

var _ store.Insights = (*Store)(nil)

// QueryInsights implements store.InsightsQuerier over the store's pool, rebinding placeholders.
func (s *Store) QueryInsights(ctx context.Context, sql string, args ...any) (store.InsightsRows, error) {
	rows, err := s.Store.DB.Query(ctx, s.Dialect.Rebind(sql), args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func (s *Store) insights() *store.SQLInsights { return &store.SQLInsights{Q: s} }

// PatternFrequency implements store.Insights.
func (s *Store) PatternFrequency(ctx context.Context, f store.FrequencyFilter) ([]store.FrequencyBucket, error) {
	return s.insights().PatternFrequency(ctx, f)
}

// PatternMatches implements store.Insights.
func (s *Store) PatternMatches(ctx context.Context, patternID int64, aud store.Audience, page store.Page) ([]store.PatternMatch, store.Cursor, error) {
	return s.insights().PatternMatches(ctx, patternID, aud, page)
}

// UnmatchedFailures implements store.Insights.
func (s *Store) UnmatchedFailures(ctx context.Context, repoID int64, page store.Page) ([]store.Job, store.Cursor, error) {
	return s.insights().UnmatchedFailures(ctx, repoID, page)
}

// BranchGrid implements store.Insights.
func (s *Store) BranchGrid(ctx context.Context, repoID int64, branch string, commits int) (store.BranchGrid, error) {
	return s.insights().BranchGrid(ctx, repoID, branch, commits)
}

// AnnotationsCovering implements store.Insights.
func (s *Store) AnnotationsCovering(ctx context.Context, repoID int64, jobName, sha string) ([]store.Annotation, error) {
	return s.insights().AnnotationsCovering(ctx, repoID, jobName, sha)
}

// PatternStats implements store.Insights.
func (s *Store) PatternStats(ctx context.Context, now time.Time, aud store.Audience) ([]store.PatternStat, error) {
	return s.insights().PatternStats(ctx, now, aud)
}
