package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/totto-ci/totto/app"
)

func init() {
	register(&command{name: "check", summary: "check the GitHub App's credentials, installations and permissions", run: runCheck})
}

const checkHelp = `usage: totto check [--config FILE]

Authenticates to GitHub as the App (a JWT signed with github.private_key, issued for
github.app_id), reads the App (GET /app), lists its installations and names every permission or
event totto needs that the App or an installation lacks (README, "Creating the GitHub App").
Run it after configuring the App and whenever /readyz reports GitHub.

Exit codes: 0 credentials accepted and nothing missing; 1 accepted, but something is missing (an
installation lacks a permission, is suspended, or there is none); 2 usage error or a key that is
not a GitHub App key; 3 GitHub refused the credentials or could not be reached.
` + configFlagsHelp + `
flags:
`

func runCheck(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	cf := addConfigFlags(fs)
	rest, done, err := parseSubcommandFlags(env, fs, checkHelp, args)
	if done {
		return err
	}
	if len(rest) > 0 {
		return withCode(exitUsage, fmt.Errorf("unexpected arguments %q", rest))
	}
	cfg, err := cf.load(env)
	if err != nil {
		return err
	}
	if err := app.CheckAppConfig(cfg); err != nil {
		return withCode(exitUsage, err)
	}
	res, err := app.CheckGitHub(ctx, cfg)
	if err != nil {
		return withCode(exitError, err)
	}
	w := env.stdout
	api := cfg.GitHub.APIURL
	if api == "" {
		api = "https://api.github.com/"
	}
	fmt.Fprintf(w, "App %q (id %d): credentials accepted by %s\n", res.App.GetSlug(), res.App.GetID(), api)
	problems := 0
	for _, m := range res.Missing {
		fmt.Fprintf(w, "  App settings: missing %s\n", m)
		problems++
	}
	fmt.Fprintf(w, "%d installation(s)\n", len(res.Installations))
	if len(res.Installations) == 0 {
		fmt.Fprintln(w, "  none: install the App on an account (the App's page → Install App)")
		problems++
	}
	for _, in := range res.Installations {
		state := "ok"
		switch {
		case in.Suspended:
			state = "SUSPENDED: unsuspend it in the account's installation settings"
			problems++
		case len(in.Missing) > 0:
			state = "missing " + strings.Join(in.Missing, "; ") + " (accept the App's new permissions in the installation settings)"
			problems++
		}
		fmt.Fprintf(w, "  %s (installation %d, %s repositories): %s\n", in.Account, in.ID, in.Selection, state)
	}
	if problems > 0 {
		return withCode(exitFindings, fmt.Errorf("%d problem(s) found", problems))
	}
	return nil
}
