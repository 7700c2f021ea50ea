package main

import (
	"fmt"

	"github.com/totto-ci/totto/app"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/redact"
)

// cliRedactor is the redactor the CLI prints log text through: the built-in rules plus the
// operator's from config.yml (`redact.rules`), as the App's check runs and UI use them.
func cliRedactor(env *cliEnv, cfg app.Config) *redact.Redactor {
	r, err := redact.New(cfg.Redact.Rules)
	if err != nil {
		fmt.Fprintf(env.stderr, "totto: %v (redacting with the built-in rules only)\n", err)
		return redact.Default
	}
	return r
}

// redactResult hides secrets in everything a scan result quotes from the log: matched lines,
// captures and the likely-cause excerpt (as one block, so a private key in it is hidden whole).
// Best points into Matches, so it is redacted with them.
func redactResult(r *redact.Redactor, res *scanResult) {
	for i := range res.Matches {
		res.Matches[i] = redactMatch(r, res.Matches[i])
	}
	if lc := res.LikelyCause; lc != nil && len(lc.Lines) > 0 {
		lc.Lines = r.Lines(lc.Lines)
	}
}

func redactMatch(r *redact.Redactor, m patterns.Match) patterns.Match {
	m.Text = r.Text(m.Text)
	if len(m.Captures) > 0 {
		cs := make([]string, len(m.Captures))
		for i, c := range m.Captures {
			cs[i] = r.Text(c)
		}
		m.Captures = cs
	}
	return m
}
