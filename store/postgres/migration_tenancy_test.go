package postgres_test

import (
	"database/sql"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/pressly/goose/v3"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/postgres"
	"github.com/totto-ci/totto/store/storetest"
)

// beforeTenancy is the last schema version without pattern scopes.
const beforeTenancy = 180

// postgresMigrationFrom is a migration fixture on a database migrated up to version.
func postgresMigrationFrom(t *testing.T, version int64) storetest.MigrationFixture {
	url := storetest.PostgresURL(t)
	return storetest.MigrationFixture{
		Before: func(t *testing.T, stmts []string) {
			db, err := sql.Open("pgx", url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			p, err := goose.NewProvider(goose.DialectPostgres, db, postgres.Migrations, goose.WithDisableGlobalRegistry(true))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.UpTo(t.Context(), version); err != nil {
				t.Fatalf("migrate to %d: %v", version, err)
			}
			for _, q := range stmts {
				if _, err := db.ExecContext(t.Context(), q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
		},
		Open: func(t *testing.T) store.Store {
			s, err := store.Open(t.Context(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
}

func TestTenancyMigration(t *testing.T) {
	storetest.RunTenancyMigration(t, postgresMigrationFrom(t, beforeTenancy), postgresMigrationFrom(t, beforeTenancy))
}

// beforeShortSHAs is the last schema version before short SHAs in annotations were expanded.
const beforeShortSHAs = 330

func TestShortSHAMigration(t *testing.T) {
	storetest.RunShortSHAMigration(t, postgresMigrationFrom(t, beforeShortSHAs))
}
