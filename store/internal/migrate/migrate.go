// Package migrate applies a backend's embedded goose migrations and reports their status; the
// backends supply the dialect, the migration files and a lock that serialises replicas.
package migrate

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/totto-ci/totto/store"
)

// Provider builds the goose provider for a database; locker may be nil when the caller holds an
// external lock.
func Provider(dialect goose.Dialect, db *sql.DB, migrations fs.FS, locker lock.SessionLocker) (*goose.Provider, error) {
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if locker != nil {
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db, migrations, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations (%s): %w", dialect, err)
	}
	return p, nil
}

// Up applies every pending migration.
func Up(ctx context.Context, p *goose.Provider) error {
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// Status reports the applied and the newest embedded version.
func Status(ctx context.Context, p *goose.Provider) (store.MigrationStatus, error) {
	cur, err := p.GetDBVersion(ctx)
	if err != nil {
		return store.MigrationStatus{}, fmt.Errorf("migration status: %w", err)
	}
	st := store.MigrationStatus{Current: cur}
	for _, s := range p.ListSources() {
		st.Latest = max(st.Latest, s.Version)
	}
	return st, nil
}
