package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
)

func init() {
	register(&command{name: "stats", summary: "count stored jobs, logs, patterns, matches and unscanned pairs", run: runStats})
}

const statsHelp = `usage: totto stats [--format json|text] [--database URL]

Prints what the store holds: jobs, logs, active patterns, matches, and unscanned (log, pattern)
pairs, i.e. the work a 'totto rescan' would do. JSON keys: jobs, logs, patterns, matches,
unscanned_pairs, unscanned_logs.

Exit codes: 0 done; 2 usage error; 3 the store could not be read.
` + storeFlagsHelp + `
flags:
`

func runStats(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	format := fs.String("format", "text", "output format: json or text")
	sf := addStoreFlags(fs)
	rest, done, err := parseSubcommandFlags(env, fs, statsHelp, args)
	if done {
		return err
	}
	if len(rest) > 0 {
		return withCode(exitUsage, fmt.Errorf("unexpected argument %q", rest[0]))
	}
	if *format != "json" && *format != "text" {
		return withCode(exitUsage, fmt.Errorf("--format %q: want json or text", *format))
	}
	st, _, err := sf.open(ctx, env, false)
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := st.Stats(ctx)
	if err != nil {
		return err
	}
	if *format == "json" {
		return json.NewEncoder(env.stdout).Encode(s)
	}
	_, err = fmt.Fprintf(env.stdout, "jobs             %d\nlogs             %d\npatterns         %d\nmatches          %d\nunscanned pairs  %d\nunscanned logs   %d\n",
		s.Jobs, s.Logs, s.Patterns, s.Matches, s.UnscannedPairs, s.UnscannedLogs)
	return err
}
