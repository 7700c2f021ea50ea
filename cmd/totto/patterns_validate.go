package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/totto-ci/totto/patterns"
)

func init() {
	registerPatternSubcommand(&command{name: "validate", summary: "check pattern files and print every problem", run: runPatternsValidate})
}

const patternsValidateHelp = `usage: totto patterns validate [--strict] FILE...

Checks each pattern FILE (YAML, or - for standard input) with the rules totto applies when it loads
patterns: YAML syntax, known fields, exactly one of regex or literal, regexes that compile with Go's
RE2, globs, tags, limits and unique names. Every problem is printed, one per line, as
file:line: pattern "name": message; warnings (patterns that load but are probably too broad) too.
Run it in CI on .github/totto.yml so a broken pattern never reaches the default branch.

Exit codes: 0 no errors (warnings allowed unless --strict); 1 errors found or a file unreadable;
2 usage error.

flags:
`

func runPatternsValidate(_ context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("patterns validate", flag.ContinueOnError)
	strict := fs.Bool("strict", false, "treat warnings as errors")
	files, done, err := parseSubcommandFlags(env, fs, patternsValidateHelp, args)
	if done {
		return err
	}
	if len(files) == 0 {
		fmt.Fprint(env.stderr, patternsValidateHelp)
		return withCode(exitUsage, errors.New("no pattern file given"))
	}
	var loaded, nerr, nwarn int
	for _, f := range files {
		ps, probs := validatePatternFile(env, f)
		loaded += len(ps)
		for _, p := range probs {
			fmt.Fprintln(env.stdout, p.String())
			if p.Warning {
				nwarn++
			} else {
				nerr++
			}
		}
	}
	fmt.Fprintf(env.stderr, "%d file(s), %d pattern(s) loaded, %d error(s), %d warning(s)\n", len(files), loaded, nerr, nwarn)
	if nerr > 0 || (*strict && nwarn > 0) {
		return withCode(exitFindings, nil)
	}
	return nil
}

// validatePatternFile loads one file and returns its problems; an unreadable file is one problem.
func validatePatternFile(env *cliEnv, file string) ([]patterns.Pattern, patterns.Problems) {
	var ps []patterns.Pattern
	var err error
	if file == "-" {
		data, rerr := io.ReadAll(env.stdin)
		if rerr != nil {
			return nil, patterns.Problems{{File: "<stdin>", Msg: "cannot read: " + rerr.Error()}}
		}
		ps, err = patterns.Parse("<stdin>", data)
	} else {
		ps, err = patterns.LoadFile(file)
	}
	if err == nil {
		return ps, nil
	}
	var probs patterns.Problems
	if errors.As(err, &probs) {
		return ps, probs
	}
	return nil, patterns.Problems{{File: file, Msg: "cannot read: " + err.Error()}}
}
