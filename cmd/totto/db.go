package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/totto-ci/totto/app"
	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	_ "github.com/totto-ci/totto/store/postgres" // postgres:// URLs
	_ "github.com/totto-ci/totto/store/sqlite"   // sqlite: URLs
)

// storeFlags are the flags of every command that opens the store: the configuration flags and
// --builtin.
type storeFlags struct {
	*configFlags
	builtin bool
}

const storeFlagsHelp = configFlagsHelp

func addStoreFlags(fs *flag.FlagSet) *storeFlags {
	f := &storeFlags{configFlags: addConfigFlags(fs).addStoreLocation()}
	fs.BoolVar(&f.builtin, "builtin", true, "scan with the built-in pattern packs too (default scan.builtin; they are stored on first use, as the App does)")
	return f
}

// useBuiltin is --builtin when given, else scan.builtin.
func (f *storeFlags) useBuiltin(cfg app.Config) bool {
	if f.explicit("builtin") {
		return f.builtin
	}
	return cfg.Scan.Builtin
}

// open opens the store (migrating it) and, when withLogs, the log store.
func (f *storeFlags) open(ctx context.Context, env *cliEnv, withLogs bool) (store.Store, blob.Store, error) {
	cfg, err := f.load(env)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, cfg.Database.URL)
	if err != nil {
		return nil, nil, err
	}
	if !withLogs {
		return st, nil, nil
	}
	blobs, err := blob.Open(ctx, cfg.LogStorage())
	if err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("open log store %s: %w", cfg.LogStorage(), err)
	}
	if f.useBuiltin(cfg) {
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
