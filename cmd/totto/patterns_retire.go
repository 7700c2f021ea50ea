package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"

	"github.com/totto-ci/totto/store"
)

func init() {
	registerPatternSubcommand(&command{name: "retire", summary: "retire stored patterns by id (the operator's switch for built-ins)", run: runPatternsRetire})
}

const patternsRetireHelp = `usage: totto patterns retire [--by NAME] [--database URL] ID...

Retires stored patterns: they are no longer scanned for and no longer decide any verdict; their
matches stay. This is how the operator switches a built-in (or any operator pattern) off for every
repository: the retirement is recorded as the operator's, and merging the built-in packs again
(totto ingest, totto serve, a new release) keeps it retired. A repository switches a built-in off
for itself with builtin_off in .github/totto.yml instead. Pattern ids are in the web UI's pattern
page addresses and in the API's /api/v1/patterns.

Exit codes: 0 retired; 1 an id is unknown or already retired (the others are retired); 2 usage
error; 3 database error.
` + storeFlagsHelp + `
flags:
`

func runPatternsRetire(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("patterns retire", flag.ContinueOnError)
	by := fs.String("by", "cli", "who is retiring (audit trail, recorded as operator:NAME)")
	sf := addStoreFlags(fs)
	rest, done, err := parseSubcommandFlags(env, fs, patternsRetireHelp, args)
	if done {
		return err
	}
	if len(rest) == 0 {
		return withCode(exitUsage, errors.New("no pattern id given"))
	}
	ids := make([]int64, len(rest))
	for i, a := range rest {
		if ids[i], err = strconv.ParseInt(a, 10, 64); err != nil || ids[i] <= 0 {
			return withCode(exitUsage, fmt.Errorf("pattern id %q: want a positive number", a))
		}
	}
	st, _, err := sf.open(ctx, env, false)
	if err != nil {
		return err
	}
	defer st.Close()
	missing := 0
	for _, id := range ids {
		err := st.RetirePattern(ctx, id, store.OperatorActor(*by))
		switch {
		case errors.Is(err, store.ErrNotFound):
			fmt.Fprintf(env.stderr, "pattern %d: unknown or already retired\n", id)
			missing++
		case err != nil:
			return err
		default:
			fmt.Fprintf(env.stdout, "pattern %d retired\n", id)
		}
	}
	if missing > 0 {
		return withCode(exitFindings, fmt.Errorf("%d pattern(s) not retired", missing))
	}
	return nil
}
