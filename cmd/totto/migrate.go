package main

import (
	"context"
	"flag"
	"fmt"
)

func init() {
	register(&command{name: "migrate", summary: "apply database migrations (or show their status)", run: runMigrate})
}

const migrateHelp = `usage: totto migrate [--status] [--database URL]

Applies every pending schema migration. Migrations also run whenever totto opens the store, under a
lock, so several replicas starting together migrate once; this command does it ahead of a rollout.
--status only prints the applied and the newest known version.

Exit codes: 0 done; 2 usage error; 3 the database could not be opened or migrated.
` + storeFlagsHelp + `
flags:
`

func runMigrate(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	status := fs.Bool("status", false, "print the schema version instead of migrating")
	sf := addStoreFlags(fs)
	rest, done, err := parseSubcommandFlags(env, fs, migrateHelp, args)
	if done {
		return err
	}
	if len(rest) > 0 {
		return withCode(exitUsage, fmt.Errorf("unexpected argument %q", rest[0]))
	}
	// Opening applies the migrations.
	st, _, err := sf.open(ctx, env, false)
	if err != nil {
		return err
	}
	defer st.Close()
	ms, err := st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	if *status {
		fmt.Fprintf(env.stdout, "schema version %d (newest known %d)\n", ms.Current, ms.Latest)
		return nil
	}
	fmt.Fprintf(env.stdout, "schema at version %d\n", ms.Current)
	return nil
}
