package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	_ "github.com/totto-ci/totto/store/postgres" // postgres:// URLs
	"github.com/totto-ci/totto/store/sqlite"
)

// configDatabaseURL and configLogStore are the config.yml hooks: the App's config loader sets
// them to read `database.url` and `database.logs`, which rank below the flag and the environment.
// nil (the default) means no config file is consulted.
var (
	configDatabaseURL func(env *cliEnv) string
	configLogStore    func(env *cliEnv) string
)

// storeFlags are the flags of every command that opens the store.
type storeFlags struct {
	database string
	logs     string
	builtin  bool
}

const storeFlagsHelp = `
The store is chosen by --database, else TOTTO_DATABASE_URL, else database.url in config.yml, else
sqlite:totto.db: sqlite:PATH or postgres://USER@HOST:PORT/DB?sslmode=…. Log contents go to --logs,
else TOTTO_LOG_STORE, else a totto-logs directory next to the SQLite file (or in the working
directory for Postgres): a directory, file:///DIR, mem:// or s3://BUCKET?region=….
`

func addStoreFlags(fs *flag.FlagSet) *storeFlags {
	f := &storeFlags{}
	fs.StringVar(&f.database, "database", "", "store URL (default $TOTTO_DATABASE_URL or "+store.DefaultURL+")")
	fs.StringVar(&f.logs, "logs", "", "log store: directory or URL (default $TOTTO_LOG_STORE or totto-logs next to the database)")
	fs.BoolVar(&f.builtin, "builtin", true, "scan with the built-in pattern packs too (they are stored on first use, as the App does)")
	return f
}

// databaseURL resolves the store URL: flag, environment, config file, default.
func (f *storeFlags) databaseURL(env *cliEnv) string {
	if f.database != "" {
		return f.database
	}
	if u := env.getenv("TOTTO_DATABASE_URL"); u != "" {
		return u
	}
	if configDatabaseURL != nil {
		if u := configDatabaseURL(env); u != "" {
			return u
		}
	}
	return store.DefaultURL
}

// logStore resolves where log contents live: flag, environment, config file, or a directory
// next to the SQLite database (so one `--database sqlite:/x/totto.db` keeps everything in /x).
func (f *storeFlags) logStore(env *cliEnv) string {
	if f.logs != "" {
		return f.logs
	}
	if l := env.getenv("TOTTO_LOG_STORE"); l != "" {
		return l
	}
	if configLogStore != nil {
		if l := configLogStore(env); l != "" {
			return l
		}
	}
	u := f.databaseURL(env)
	if strings.HasPrefix(u, "sqlite:") {
		if p, err := sqlite.Path(u); err == nil && p != ":memory:" {
			return filepath.Join(filepath.Dir(p), "totto-logs")
		}
	}
	return "totto-logs"
}

// open opens the store (migrating it) and, when withLogs, the log store.
func (f *storeFlags) open(ctx context.Context, env *cliEnv, withLogs bool) (store.Store, blob.Store, error) {
	st, err := store.Open(ctx, f.databaseURL(env))
	if err != nil {
		return nil, nil, err
	}
	if !withLogs {
		return st, nil, nil
	}
	blobs, err := blob.Open(ctx, f.logStore(env))
	if err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("open log store: %w", err)
	}
	if f.builtin {
		// Commands that scan use the same built-in packs as the App, so a log ingested by hand
		// and one fetched by the App are explained alike.
		if err := ingest.SyncBuiltins(ctx, st, "cli"); err != nil {
			st.Close()
			blobs.Close()
			return nil, nil, err
		}
	}
	return st, blobs, nil
}
