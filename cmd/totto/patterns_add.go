package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

func init() {
	registerPatternSubcommand(&command{name: "add", summary: "load pattern files into the store", run: runPatternsAdd})
}

const patternsAddHelp = `usage: totto patterns add [--source S] [--author A] [--owner O | --repo O/R] [--database URL] FILE...

Loads pattern files into the store. A pattern is identified by its name and source (default: the
file path). Loading an unchanged pattern again keeps it (and its id); a changed description, tags
or priority is updated in place; a changed expression, kind, job or step scope, last_lines window,
then or raw_marker retires the old pattern and creates a new one, so stored matches stay truthful and the next
'totto rescan' scans only what is new. Patterns are not retired when they disappear from a file.
A file with errors loads nothing. Patterns are the operator's and apply to every repository,
unless --owner makes them one account's (every repository of that organisation or user) or --repo
one repository's: a pattern never matches or decides anything outside its owner.

Exit codes: 0 loaded; 1 a file has problems (printed; nothing loaded from it); 2 usage error;
3 database error.
` + storeFlagsHelp + `
flags:
`

func runPatternsAdd(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("patterns add", flag.ContinueOnError)
	source := fs.String("source", "", "source recorded for the patterns (default: the file path), e.g. builtin:debian or repo:o/r:.github/totto.yml")
	author := fs.String("author", "cli", "who is adding the patterns (audit trail)")
	owner := fs.String("owner", "", "make the patterns this account's (GitHub organisation or user)")
	repoName := fs.String("repo", "", "make the patterns this repository's (owner/name, already known to the store)")
	sf := addStoreFlags(fs)
	files, done, err := parseSubcommandFlags(env, fs, patternsAddHelp, args)
	if done {
		return err
	}
	if len(files) == 0 {
		return withCode(exitUsage, errors.New("no pattern file given"))
	}
	if *owner != "" && *repoName != "" {
		return withCode(exitUsage, errors.New("--owner and --repo exclude each other"))
	}
	var sets [][]store.Pattern
	bad := 0
	for _, f := range files {
		ps, err := patterns.LoadFile(f)
		var probs patterns.Problems
		if errors.As(err, &probs) {
			for _, p := range probs {
				fmt.Fprintln(env.stderr, p.String())
			}
			if len(probs.Errors()) > 0 {
				bad++
				continue
			}
		} else if err != nil {
			fmt.Fprintf(env.stderr, "%s: %v\n", f, err)
			bad++
			continue
		}
		set := make([]store.Pattern, len(ps))
		for i, p := range ps {
			p.ID = 0
			if *source != "" {
				p.Source = *source
			}
			set[i] = store.Pattern{Pattern: p, Author: *author, Owner: *owner}
		}
		sets = append(sets, set)
	}
	st, _, err := sf.open(ctx, env, false)
	if err != nil {
		return err
	}
	defer st.Close()
	if *repoName != "" {
		r, err := st.Repository(ctx, *repoName)
		if err != nil {
			return withCode(exitUsage, fmt.Errorf("--repo: %w", err))
		}
		for _, set := range sets {
			for i := range set {
				set[i].RepoID = &r.ID
			}
		}
	}
	counts := map[store.PatternAction]int{}
	for _, set := range sets {
		ch, err := st.AddPatterns(ctx, set, *author)
		if err != nil {
			return err
		}
		for _, c := range ch {
			counts[c.Action]++
			if c.Action == store.PatternReplaced {
				fmt.Fprintf(env.stdout, "%s: pattern %d replaced by %d\n", c.Name, c.OldID, c.ID)
			}
		}
	}
	fmt.Fprintf(env.stdout, "%d created, %d updated, %d replaced, %d unchanged\n",
		counts[store.PatternCreated], counts[store.PatternUpdated], counts[store.PatternReplaced], counts[store.PatternUnchanged])
	if n := counts[store.PatternKeptRetired]; n > 0 {
		fmt.Fprintf(env.stdout, "%d kept retired (the operator retired them)\n", n)
	}
	if bad > 0 {
		return withCode(exitFindings, fmt.Errorf("%d file(s) with errors not loaded", bad))
	}
	return nil
}
