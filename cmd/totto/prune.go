package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/totto-ci/totto/store"
)

func init() {
	register(&command{name: "prune", summary: "apply the retention policy now (--dry-run: only count)", run: runPrune})
}

const pruneHelp = `usage: totto prune [--dry-run] [--config FILE] [--database URL] [--logs DIR|URL]

Applies the retention.* settings now, as the App's hourly job does: log contents of jobs older
than retention.logs_days leave the log store (the log's row and matches stay), delivery records
older than retention.deliveries_days and jobs older than retention.jobs_months are deleted (with
the logs and matches only those jobs used). --dry-run counts what would go and changes nothing;
each rule is counted on today's data.

Exit codes: 0 done; 2 usage error; 3 database or log store error (rerun to continue).
` + storeFlagsHelp + `
flags:
`

func runPrune(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("prune", flag.ContinueOnError)
	dry := fs.Bool("dry-run", false, "count what would be removed; remove nothing")
	sf := addStoreFlags(fs)
	rest, done, err := parseSubcommandFlags(env, fs, pruneHelp, args)
	if done {
		return err
	}
	if len(rest) > 0 {
		return withCode(exitUsage, fmt.Errorf("unexpected arguments %q", rest))
	}
	cfg, err := sf.load(env)
	if err != nil {
		return err
	}
	policy, err := cfg.RetentionPolicy()
	if err != nil {
		return withCode(exitUsage, err)
	}
	if policy == (store.Retention{}) {
		fmt.Fprintln(env.stdout, "nothing to prune: retention.logs_days, retention.deliveries_days and retention.jobs_months are all 0 (keep forever)")
		return nil
	}
	sf.builtin = false // pruning scans nothing
	st, blobs, err := sf.open(ctx, env, true)
	if err != nil {
		return err
	}
	defer st.Close()
	defer blobs.Close()
	rep, err := store.Prune(ctx, st, blobs, policy, time.Now(), *dry)
	if err != nil {
		return err
	}
	verb := "removed"
	if *dry {
		verb = "would remove"
	}
	fmt.Fprintf(env.stdout, "%s: %d log contents (%d bytes; rows and matches kept), %d delivery records, %d jobs with %d logs and %d matches\n",
		verb, rep.ExpiredLogs, rep.ExpiredLogBytes, rep.Deliveries, rep.Jobs, rep.DeletedLogs, rep.Matches)
	return nil
}
