package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
)

// patternSubcommands holds `totto patterns <sub>` commands. It is initialised before any init
// function runs, so every file may add its subcommand from its own init, in any order.
var patternSubcommands = map[string]*command{}

// registerPatternSubcommand adds a `totto patterns` subcommand; call it from an init function.
func registerPatternSubcommand(c *command) { patternSubcommands[c.name] = c }

func init() {
	register(&command{name: "patterns", summary: "validate, import and manage pattern files", run: runPatterns})
}

func runPatterns(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		patternsUsage(env.stderr)
		return withCode(exitUsage, errors.New("no subcommand given"))
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		patternsUsage(env.stdout)
		return nil
	}
	sub, ok := patternSubcommands[args[0]]
	if !ok {
		patternsUsage(env.stderr)
		return withCode(exitUsage, fmt.Errorf("unknown subcommand %q", args[0]))
	}
	return sub.run(ctx, env, args[1:])
}

func patternsUsage(w io.Writer) {
	fmt.Fprint(w, `usage: totto patterns <subcommand> [flags] [args]

Pattern files are YAML lists of labelled failure signatures (see docs/patterns.md). These
subcommands check them, convert other tools' catalogues into them and manage them.

subcommands:
`)
	names := make([]string, 0, len(patternSubcommands))
	for n := range patternSubcommands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, patternSubcommands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'totto patterns <subcommand> --help' for its flags.")
}

// parseSubcommandFlags parses a subcommand's flags, which may come before, between or after its
// arguments (`import FILE --from pytorch` works as well as `import --from pytorch FILE`); after
// "--" everything is an argument. --help goes to stdout (asked for: exit 0), usage errors to stderr
// (exit 2); help is the text printed before the flag list. done is true when the caller must return
// err at once.
func parseSubcommandFlags(env *cliEnv, fs *flag.FlagSet, help string, args []string) (positional []string, done bool, err error) {
	fs.SetOutput(io.Discard)
	for {
		if err := fs.Parse(args); err != nil {
			w := env.stdout
			if !errors.Is(err, flag.ErrHelp) {
				w = env.stderr
				err = withCode(exitUsage, err)
			} else {
				err = nil
			}
			fmt.Fprint(w, help)
			fs.SetOutput(w)
			fs.PrintDefaults()
			return nil, true, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, false, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(positional, rest...), false, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}
