package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/totto-ci/totto/store/sqlite"
	"github.com/totto-ci/totto/store/storetest"
)

// BenchmarkInsights times the UI queries at 1 M matches / 100 k jobs. The database is generated
// once and cached in the temporary directory; plans are checked for full scans of big tables.
func BenchmarkInsights(b *testing.B) {
	cfg := storetest.DefaultGen
	url := storetest.GenSQLite(b, cfg, func(u string) error {
		s, err := sqlite.Open(context.Background(), u)
		if err != nil {
			return err
		}
		return s.Close()
	})
	s, err := sqlite.Open(b.Context(), url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	probes := storetest.Generate(cfg).Probes
	storetest.CheckInsightsPlans(b, s.Store, func(ctx context.Context, sql string, args []any) (string, error) {
		rows, err := s.Store.DB.Query(ctx, "EXPLAIN QUERY PLAN "+sql, args...)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		var plan strings.Builder
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				return "", err
			}
			fmt.Fprintf(&plan, "%d %d %s\n", id, parent, detail)
		}
		return plan.String(), rows.Err()
	}, probes, []string{"SCAN matches", "SCAN jobs", "SCAN j\n", "SCAN h\n"})
	storetest.BenchInsights(b, s, probes)
}
