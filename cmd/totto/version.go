package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"github.com/totto-ci/totto/internal/version"
)

func init() {
	register(&command{name: "version", summary: "print totto's version, commit and Go version", run: runVersion})
}

const versionHelp = `usage: totto version [--json]

Prints the release version, the commit it was built from and the Go version (the same values as
the totto_build_info metric).

flags:
`

func runVersion(_ context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print a JSON object {version, commit, go_version}")
	rest, done, err := parseSubcommandFlags(env, fs, versionHelp, args)
	if done {
		return err
	}
	if len(rest) > 0 {
		return withCode(exitUsage, fmt.Errorf("unexpected arguments %q", rest))
	}
	v := version.Get()
	if *asJSON {
		return json.NewEncoder(env.stdout).Encode(v)
	}
	fmt.Fprintf(env.stdout, "totto %s (commit %s, %s)\n", v.Version, v.Commit, v.GoVersion)
	return nil
}
