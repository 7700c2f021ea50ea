// Package postgres is the scale-out store: Postgres through pgx, shared by several replicas.
// Import it for its side effect of registering the "postgres://" and "postgresql://" URL schemes
// with store.Open.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/internal/migrate"
	"github.com/totto-ci/totto/store/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations are the Postgres schema migrations, for tools that inspect the schema.
var Migrations, _ = fs.Sub(migrationFiles, "migrations")

func init() {
	open := func(ctx context.Context, u string, o store.OpenOptions) (store.Store, error) {
		return OpenWith(ctx, u, o)
	}
	store.RegisterBackend(open, "postgres", "postgresql")
}

// Store is the Postgres store.
type Store struct {
	*sqlstore.Store
	pool  *pgxpool.Pool
	sqldb *sql.DB
	goose *goose.Provider
}

// DefaultMaxConns is the connection pool size when the URL does not set pool_max_conns. The job
// queue shares the pool (its listener holds one connection, its workers use the store).
const DefaultMaxConns = 32

// Open connects to the database a postgres:// URL names (libpq parameters such as sslmode and
// search_path go in the query string) and applies migrations under an advisory lock, so several
// replicas starting together migrate once.
func Open(ctx context.Context, u string) (*Store, error) {
	return OpenWith(ctx, u, store.OpenOptions{})
}

// OpenWith is Open migrating as o says.
func OpenWith(ctx context.Context, u string, o store.OpenOptions) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(u)
	if err != nil {
		return nil, fmt.Errorf("postgres url %s: %w", store.Redact(u), err)
	}
	if !strings.Contains(u, "pool_max_conns") {
		// pgx's default (4 on this kind of machine) starves webhook acknowledgements while
		// workers hold connections; the URL's pool_max_conns still wins.
		cfg.MaxConns = DefaultMaxConns
	}
	if _, set := cfg.ConnConfig.RuntimeParams["jit"]; !set {
		// Compiling a query costs 0.2–1.5 s, which the planner pays for any query it estimates
		// large (a page's aggregate over pattern hits) and which no query here wins back; the
		// URL's jit=on still wins.
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", store.Redact(u), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect %s: %w", store.Redact(u), err)
	}
	sqldb := stdlib.OpenDBFromPool(pool)
	gp, err := migrate.Provider(goose.DialectPostgres, sqldb, Migrations, advisoryLocker{})
	if err != nil {
		sqldb.Close()
		pool.Close()
		return nil, err
	}
	s := &Store{
		Store: &sqlstore.Store{DB: poolDB{pool}, Dialect: Dialect},
		pool:  pool, sqldb: sqldb, goose: gp,
	}
	if err := migrate.Apply(ctx, gp, o); err != nil {
		s.Close()
		return nil, fmt.Errorf("postgres %s: %w", store.Redact(u), err)
	}
	return s, nil
}

// MigrationStatus implements store.Store.
func (s *Store) MigrationStatus(ctx context.Context) (store.MigrationStatus, error) {
	return migrate.Status(ctx, s.goose)
}

// Conn implements store.Store.
func (s *Store) Conn() store.Conn { return store.Conn{Pgx: s.pool} }

// Close implements store.Store.
func (s *Store) Close() error {
	err := s.sqldb.Close()
	s.pool.Close()
	return err
}

// Dialect is Postgres's flavour of the shared queries.
var Dialect = sqlstore.Dialect{
	Name:           "postgres",
	Numbered:       true,
	GroupConcatIDs: "string_agg(p.id::text, ',')",
	// Pattern writers queue here, so sequence order is commit order and a scan watermark
	// never passes an id that commits later. Readers are not blocked.
	LockPatterns:          "LOCK TABLE patterns IN SHARE ROW EXCLUSIVE MODE",
	NoRows:                pgx.ErrNoRows,
	IsForeignKeyViolation: func(err error) bool { return hasCode(err, "23503") },
	IsUniqueViolation:     func(err error) bool { return hasCode(err, "23505") },
	// Screen reads run as unnamed statements (with a cached description), so Postgres plans
	// each for its actual arguments: after a few runs of a named prepared statement it may switch
	// to a generic plan, which for "completed_at <= $3 ORDER BY completed_at DESC LIMIT 200"
	// sorts the whole branch instead of walking the index (measured: 2 ms became 40-450 ms).
	ScreenReadArgs: []any{pgx.QueryExecModeCacheDescribe},
}

func hasCode(err error, code string) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == code
}
