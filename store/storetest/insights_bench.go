package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/internal/sqlstore"
)

// insightsCase is one UI query with the parameters a screen would use on generated data.
type insightsCase struct {
	name string
	run  func(ctx context.Context, s store.Insights) (rows int, err error)
}

func insightsCases(p GenProbes) []insightsCase {
	day := 24 * time.Hour
	last := func(days int) (time.Time, time.Time) { return GenEnd.Add(-time.Duration(days) * day), GenEnd }
	freq := func(f store.FrequencyFilter) func(context.Context, store.Insights) (int, error) {
		return func(ctx context.Context, s store.Insights) (int, error) {
			b, err := s.PatternFrequency(ctx, f)
			return len(b), err
		}
	}
	from30, to := last(30)
	from90, _ := last(90)
	from180, _ := last(180)
	matches := func(id int64, after store.Cursor) func(context.Context, store.Insights) (int, error) {
		return func(ctx context.Context, s store.Insights) (int, error) {
			ms, _, err := s.PatternMatches(ctx, id, store.Everyone, store.Page{Limit: 50, After: after})
			return len(ms), err
		}
	}
	unmatched := func(repo int64) func(context.Context, store.Insights) (int, error) {
		return func(ctx context.Context, s store.Insights) (int, error) {
			js, _, err := s.UnmatchedFailures(ctx, repo, store.Page{Limit: 50})
			return len(js), err
		}
	}
	return []insightsCase{
		{"FrequencyDay/top-pattern-30d", freq(store.FrequencyFilter{Audience: store.Everyone, PatternIDs: []int64{p.TopPatternID}, From: from30, To: to})},
		{"FrequencyDay/all-patterns-30d", freq(store.FrequencyFilter{Audience: store.Everyone, From: from30, To: to})},
		{"FrequencyDay/repo-job-90d", freq(store.FrequencyFilter{Audience: store.Everyone, RepoID: p.RepoID, JobName: p.JobName, From: from90, To: to})},
		{"FrequencyWeek/tag-180d", freq(store.FrequencyFilter{Audience: store.Everyone, Tag: p.Tag, From: from180, To: to, Interval: store.Week})},
		{"PatternMatches/top-first-page", matches(p.TopPatternID, "")},
		{"PatternMatches/top-deep-page", matches(p.TopPatternID, "500000")},
		{"PatternMatches/tail-first-page", matches(p.TailPatternID, "")},
		{"UnmatchedFailures/all", unmatched(0)},
		{"UnmatchedFailures/repo", unmatched(p.RepoID)},
		{"BranchGrid/50-commits", func(ctx context.Context, s store.Insights) (int, error) {
			g, err := s.BranchGrid(ctx, p.RepoID, p.Branch, 50, time.Time{})
			return len(g.Commits), err
		}},
		{"AnnotationsCovering", func(ctx context.Context, s store.Insights) (int, error) {
			as, err := s.AnnotationsCovering(ctx, p.RepoID, "test (1/4)", p.SHA)
			return len(as), err
		}},
		{"PatternStats", func(ctx context.Context, s store.Insights) (int, error) {
			st, err := s.PatternStats(ctx, GenEnd, store.Everyone)
			return len(st), err
		}},
	}
}

// BenchInsights benchmarks every UI query on a store loaded with Generate(DefaultGen) (or
// another config whose probes are p). Each query must return rows, so an empty result cannot pass
// for a fast one.
func BenchInsights(b *testing.B, s store.Insights, p GenProbes) {
	for _, c := range insightsCases(p) {
		b.Run(c.name, func(b *testing.B) {
			n, err := c.run(b.Context(), s)
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 && c.name != "AnnotationsCovering" {
				b.Fatalf("%s returned nothing on generated data", c.name)
			}
			for b.Loop() {
				if _, err := c.run(b.Context(), s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Explainer returns the database's plan for a query (placeholders already in the database's
// form) and its arguments.
type Explainer func(ctx context.Context, sql string, args []any) (string, error)

// CheckInsightsPlans runs every UI query once through explain and fails when a plan contains one
// of the forbidden fragments (full scans of the big tables); the plans are logged for the record.
func CheckInsightsPlans(tb testing.TB, st *sqlstore.Store, explain Explainer, p GenProbes, forbidden []string) {
	tb.Helper()
	for _, c := range insightsCases(p) {
		rec := &planRecorder{DB: st.DB, explain: explain}
		if _, err := c.run(tb.Context(), &sqlstore.Store{DB: rec, Dialect: st.Dialect}); err != nil {
			tb.Fatalf("%s: %v", c.name, err)
		}
		for i, plan := range rec.plans {
			tb.Logf("plan of %s (query %d):\n%s", c.name, i+1, plan)
			for _, f := range forbidden {
				if strings.Contains(plan, f) {
					tb.Errorf("%s: plan has %q:\n%s", c.name, f, plan)
				}
			}
		}
	}
}

// planRecorder explains every query before running it.
type planRecorder struct {
	sqlstore.DB
	explain Explainer
	plans   []string
}

func (r *planRecorder) Query(ctx context.Context, sql string, args ...any) (sqlstore.Rows, error) {
	plan, err := r.explain(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	r.plans = append(r.plans, plan)
	return r.DB.Query(ctx, sql, args...)
}
