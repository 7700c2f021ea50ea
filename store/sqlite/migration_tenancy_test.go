package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/sqlite"
	"github.com/totto-ci/totto/store/storetest"
)

// beforeTenancy is the last schema version without pattern scopes.
const beforeTenancy = 180

// sqliteMigrationFrom is a migration fixture on a database migrated up to version.
func sqliteMigrationFrom(t *testing.T, version int64) storetest.MigrationFixture {
	path := filepath.Join(t.TempDir(), "totto.db")
	return storetest.MigrationFixture{
		Before: func(t *testing.T, stmts []string) {
			db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_time_format=sqlite")
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			p, err := goose.NewProvider(goose.DialectSQLite3, db, sqlite.Migrations, goose.WithDisableGlobalRegistry(true))
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
			s, err := sqlite.Open(t.Context(), "sqlite:"+path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
}

func TestTenancyMigration(t *testing.T) {
	storetest.RunTenancyMigration(t, sqliteMigrationFrom(t, beforeTenancy), sqliteMigrationFrom(t, beforeTenancy))
}

// beforeShortSHAs is the last schema version before short SHAs in annotations were expanded.
const beforeShortSHAs = 330

func TestShortSHAMigration(t *testing.T) {
	storetest.RunShortSHAMigration(t, sqliteMigrationFrom(t, beforeShortSHAs))
}
