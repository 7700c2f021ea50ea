package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/totto-ci/totto/patterns"
)

func init() {
	registerPatternSubcommand(&command{name: "import", summary: "convert another tool's pattern catalogue into a pattern file", run: runPatternsImport})
}

var patternsImportHelp = `usage: totto patterns import --from ` + strings.Join(patterns.ImportKinds(), "|") + ` PATH > patterns.yml

Converts another tool's failure catalogue into a totto pattern file on standard output, so a team
can migrate without retyping: pytorch reads PyTorch's log-classifier ruleset.toml (priority follows
rule order), drci reads Dr. CI's patterns-dump.json (specificity becomes priority, retired patterns
are skipped), elastic-recheck reads an OpenStack query file or a directory of them (each message
phrase becomes a literal linked to its Launchpad bug), jenkins-bfa reads Jenkins Build Failure
Analyzer's build-failure-analyzer.xml (multi-line indications become multi-line patterns). What was skipped or approximated is reported
on standard error. The output always passes 'totto patterns validate'.

Exit codes: 0 written; 2 usage error; 3 the catalogue could not be read.

flags:
`

func runPatternsImport(_ context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("patterns import", flag.ContinueOnError)
	from := fs.String("from", "", "catalogue `kind`: "+strings.Join(patterns.ImportKinds(), ", "))
	paths, done, err := parseSubcommandFlags(env, fs, patternsImportHelp, args)
	if done {
		return err
	}
	if *from == "" || len(paths) != 1 {
		fmt.Fprint(env.stderr, patternsImportHelp)
		return withCode(exitUsage, errors.New("want --from KIND and exactly one PATH"))
	}
	if !slices.Contains(patterns.ImportKinds(), *from) {
		return withCode(exitUsage, fmt.Errorf("unknown --from %q: want one of %s", *from, strings.Join(patterns.ImportKinds(), ", ")))
	}
	res, err := patterns.Import(*from, paths[0])
	if err != nil {
		return withCode(exitError, err)
	}
	for _, n := range res.Notes {
		fmt.Fprintln(env.stderr, "note:", n)
	}
	data, err := patterns.Marshal(res.Patterns)
	if err != nil {
		return withCode(exitError, err)
	}
	// The output is re-read with the loader's own rules before it is written, so that an importer
	// bug shows up here rather than in the user's repository.
	_, perr := patterns.Parse("import output", data)
	var probs patterns.Problems
	if errors.As(perr, &probs) {
		for _, w := range probs.Warnings() {
			fmt.Fprintln(env.stderr, w.String())
		}
		if errs := probs.Errors(); len(errs) > 0 {
			return withCode(exitError, fmt.Errorf("imported patterns do not validate: %w", errs))
		}
	}
	fmt.Fprintf(env.stdout, "# Imported with `totto patterns import --from %s %s`: %d patterns.\n", *from, paths[0], len(res.Patterns))
	if _, err := env.stdout.Write(data); err != nil {
		return withCode(exitError, fmt.Errorf("write pattern file: %w", err))
	}
	fmt.Fprintf(env.stderr, "imported %d patterns from %s (%d notes)\n", len(res.Patterns), paths[0], len(res.Notes))
	return nil
}
