package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/totto-ci/totto/queue"
	"github.com/totto-ci/totto/store"
)

func init() {
	register(&command{name: "migrate", summary: "apply database migrations (or show their status)", run: runMigrate})
}

const migrateHelp = `usage: totto migrate [--status | --to VERSION] [--database URL]

Applies every pending migration: the store's schema and the job queue's tables (River's), which
live in the same database. Migrations also run whenever totto opens the store, under a lock, so
several replicas starting together migrate once; this command does it ahead of a rollout.
--status only reports the applied and the newest known versions of both, and changes nothing.
--to VERSION applies the store's migrations up to VERSION only (they only go forward); the queue's
tables are brought up to date either way.

Exit codes: 0 done (with --status: nothing pending); 1 --status found pending migrations; 2 usage
error; 3 the database could not be opened or migrated.
` + storeFlagsHelp + `
flags:
`

func runMigrate(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	status := fs.Bool("status", false, "report the schema versions without migrating")
	to := fs.Int64("to", 0, "apply the store's migrations up to this version only")
	sf := addStoreFlags(fs)
	rest, done, err := parseSubcommandFlags(env, fs, migrateHelp, args)
	if done {
		return err
	}
	if len(rest) > 0 {
		return withCode(exitUsage, fmt.Errorf("unexpected argument %q", rest[0]))
	}
	if *status && *to != 0 {
		return withCode(exitUsage, fmt.Errorf("--status and --to exclude each other"))
	}
	if *to < 0 {
		return withCode(exitUsage, fmt.Errorf("--to %d: want a positive version", *to))
	}
	cfg, err := sf.load(env)
	if err != nil {
		return err
	}
	st, err := store.OpenWith(ctx, cfg.Database.URL, store.OpenOptions{NoMigrate: *status, MigrateTo: *to})
	if err != nil {
		return err
	}
	defer st.Close()
	if !*status {
		if err := queue.Migrate(ctx, st.Conn(), func(v int, name string) {
			fmt.Fprintf(env.stdout, "queue tables: applied version %d (%s)\n", v, name)
		}); err != nil {
			return err
		}
	}
	ms, err := st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	qs, err := queue.MigrationStatus(ctx, st.Conn())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "store schema: version %d (newest known %d)\n", ms.Current, ms.Latest)
	fmt.Fprintf(env.stdout, "queue tables: version %d (newest known %d)\n", qs.Current, qs.Latest)
	if *status && (ms.Current < ms.Latest || qs.Pending()) {
		return withCode(exitFindings, fmt.Errorf("migrations pending: run `totto migrate`"))
	}
	return nil
}
