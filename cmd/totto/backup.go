package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"strings"

	"github.com/totto-ci/totto/store/sqlite"
)

func init() {
	register(&command{name: "backup", summary: "copy the embedded database consistently to a file (SQLite VACUUM INTO)", run: runBackup})
}

const backupHelp = `usage: totto backup [--config FILE] [--database URL] PATH

Writes a consistent, compacted copy of the embedded SQLite database to PATH (which must not exist)
with VACUUM INTO; totto serve may keep running. To restore, stop totto and put the copy in place of
the database file (or point database.url at it). Log contents are not in the database: back up
the log store (logs.storage) with it, e.g. by copying its directory.

For Postgres, use pg_dump (see docs/store.md, "Backup and restore"):
  pg_dump --format=custom --file=totto.dump "$TOTTO_DATABASE_URL"

Exit codes: 0 done; 2 usage error (PATH exists, a Postgres URL); 3 the copy failed.
` + configFlagsHelp + `
flags:
`

func runBackup(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	cf := addConfigFlags(fs).addStoreLocation()
	rest, done, err := parseSubcommandFlags(env, fs, backupHelp, args)
	if done {
		return err
	}
	if len(rest) != 1 {
		return withCode(exitUsage, fmt.Errorf("want exactly one PATH argument, got %d", len(rest)))
	}
	cfg, err := cf.load(env)
	if err != nil {
		return err
	}
	u := cfg.Database.URL
	if !strings.HasPrefix(u, "sqlite:") {
		shown := "(unparsable URL)"
		if pu, err := url.Parse(u); err == nil {
			shown = pu.Redacted()
		}
		return withCode(exitUsage, fmt.Errorf("database %s is not the embedded SQLite one: back Postgres up with pg_dump (docs/store.md)", shown))
	}
	if err := sqlite.Backup(ctx, u, rest[0]); err != nil {
		return withCode(exitError, err)
	}
	fmt.Fprintf(env.stdout, "database backed up to %s; back up the log store (%s) with it\n", rest[0], cfg.LogStorage())
	return nil
}
