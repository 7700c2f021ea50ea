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

// Apply migrates as o says: nothing, up to a version, or every pending migration.
func Apply(ctx context.Context, p *goose.Provider, o store.OpenOptions) error {
	switch {
	case o.NoMigrate:
		return nil
	case o.MigrateTo > 0:
		st, err := Status(ctx, p)
		if err != nil {
			return err
		}
		if o.MigrateTo > st.Latest {
			return fmt.Errorf("migrate to version %d: the newest this totto knows is %d", o.MigrateTo, st.Latest)
		}
		if st.Current > o.MigrateTo {
			return fmt.Errorf("migrate to version %d: the database is already at %d, and migrations only go forward (restore a backup taken before the upgrade to go back)", o.MigrateTo, st.Current)
		}
		if _, err := p.UpTo(ctx, o.MigrateTo); err != nil {
			return fmt.Errorf("apply migrations up to %d: %w", o.MigrateTo, err)
		}
		return nil
	}
	return Up(ctx, p)
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
