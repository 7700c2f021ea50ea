package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/totto-ci/totto/store/postgres"
	"github.com/totto-ci/totto/store/storetest"
)

// BenchmarkInsights times the UI queries at 1 M matches / 100 k jobs. The data is generated
// once into a schema named by the generator's key and kept; plans are checked for sequential scans
// of big tables.
func BenchmarkInsights(b *testing.B) {
	cfg := storetest.DefaultGen
	url := storetest.GenPostgres(b, cfg, func(u string) error {
		s, err := postgres.Open(context.Background(), u)
		if err != nil {
			return err
		}
		return s.Close()
	})
	s, err := postgres.Open(b.Context(), url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	probes := storetest.Generate(cfg).Probes
	storetest.CheckInsightsPlans(b, s.Store, func(ctx context.Context, sql string, args []any) (string, error) {
		rows, err := s.Store.DB.Query(ctx, "EXPLAIN "+sql, args...)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		var plan strings.Builder
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				return "", err
			}
			plan.WriteString(line + "\n")
		}
		return plan.String(), rows.Err()
	}, probes, []string{"Seq Scan on matches", "Seq Scan on jobs"})
	storetest.BenchInsights(b, s, probes)
}
