package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
)

func init() {
	register(&command{name: "ingest", summary: "store a job and its log from any CI, then scan it", run: runIngest})
}

const ingestHelp = `usage: totto ingest --repo OWNER/NAME --sha SHA --job NAME [--conclusion failure|success]
       [--branch B] [--provider P] [--id ID] [--attempt N] [--url URL] [--public] LOG

Stores one CI job and its log (a file, or - for standard input; gzip is detected by its magic bytes
and binary input is refused), so CIs without a totto provider work too, then scans the log with every active pattern, prints its
matches and records the failing tests it names (as the App does). Storing the same job
again (same provider, id and attempt) updates it; the same log content is stored once. The job id
defaults to a hash of repo, sha and job name. A repository first seen here is private (the web UI
shows its jobs only to users who can read it on GitHub) unless --public is given.

Exit codes: 0 stored and scanned; 1 stored, but the log could not be scanned (it stays pending for
'totto rescan'); 2 usage error; 3 nothing stored (unreadable log, log store or database error).
` + storeFlagsHelp + `
flags:
`

func runIngest(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	repo := fs.String("repo", "", "repository OWNER/NAME (required)")
	sha := fs.String("sha", "", "commit SHA (required)")
	job := fs.String("job", "", "job name (required)")
	conclusion := fs.String("conclusion", "failure", "job conclusion: failure or success")
	branch := fs.String("branch", "", "branch the commit was built on")
	provider := fs.String("provider", string(ident.ProviderIngest), "CI provider name")
	id := fs.String("id", "", "the provider's job id (default: derived from repo, sha and job)")
	attempt := fs.Int("attempt", 1, "attempt (rerun) number")
	url := fs.String("url", "", "link to the job on the CI")
	public := fs.Bool("public", false, "record the repository as public: its jobs and logs are shown in the UI to everyone (default: private, shown to its GitHub readers; a known repository keeps its visibility)")
	maxBytes := fs.Int64("max-bytes", 0, "keep only the tail of a longer log, from its first whole line, and mark it truncated (0: all)")
	sf := addStoreFlags(fs)
	rest, done, err := parseSubcommandFlags(env, fs, ingestHelp, args)
	if done {
		return err
	}
	switch {
	case len(rest) != 1:
		return withCode(exitUsage, fmt.Errorf("want exactly one LOG argument, got %d", len(rest)))
	case *repo == "" || *sha == "" || *job == "":
		return withCode(exitUsage, errors.New("--repo, --sha and --job are required"))
	case strings.Count(*repo, "/") != 1 || strings.HasPrefix(*repo, "/") || strings.HasSuffix(*repo, "/"):
		return withCode(exitUsage, fmt.Errorf("--repo %q: want OWNER/NAME", *repo))
	case *conclusion != "failure" && *conclusion != "success":
		return withCode(exitUsage, fmt.Errorf("--conclusion %q: want failure or success", *conclusion))
	}
	var src io.Reader = env.stdin
	if rest[0] != "-" {
		f, err := os.Open(rest[0])
		if err != nil {
			return withCode(exitError, fmt.Errorf("read log: %w", err))
		}
		defer f.Close()
		src = f
	}
	text, err := ingest.TextLog(src)
	if err != nil {
		return withCode(exitError, fmt.Errorf("log %s: %w", rest[0], err))
	}
	st, blobs, err := sf.open(ctx, env, true)
	if err != nil {
		return err
	}
	defer st.Close()
	defer blobs.Close()

	// One read of the log stores it, extracts its failing tests and, after the job is recorded,
	// has its scan recorded (Pass.Record, which reads the stored log when the pass could not scan).
	pass := scan.NewPass(nil, "", *job)
	l, err := ingest.StoreLogReading(ctx, st, blobs, text, *maxBytes, pass.Read)
	if err != nil {
		return err
	}
	r, err := store.RecordRepository(ctx, st, *repo, *public)
	if err != nil {
		return err
	}
	ext := *id
	if ext == "" {
		h := sha256.Sum256([]byte(*repo + "\x00" + *sha + "\x00" + *job))
		ext = hex.EncodeToString(h[:8])
	}
	now := time.Now()
	j, err := st.UpsertJob(ctx, store.Job{Provider: ident.Provider(*provider), ExternalID: ext, Attempt: *attempt, RepoID: r.ID, SHA: *sha,
		Branch: *branch, Name: *job, Conclusion: *conclusion, CompletedAt: &now, URL: *url, LogID: &l.ID, LogState: store.LogStored})
	if err != nil {
		return err
	}
	res, err := pass.Record(ctx, st, blobs, l.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "job %d (%s #%d) log %d: %d lines, %d bytes%s\n", j.ID, *job, *attempt, l.ID, l.Lines, l.RawSize, map[bool]string{true: ", truncated"}[l.Truncated])
	if len(res.Failures) > 0 {
		return withCode(exitFindings, fmt.Errorf("log %d stored but not scanned: %w", l.ID, res.Failures[0].Err))
	}
	tests := pass.Tests()
	if err := scan.RecordFoundTests(ctx, st, j, tests, now, nil); err != nil {
		return withCode(exitFindings, fmt.Errorf("log %d stored but its failing tests not recorded ('totto rescan' does): %w", l.ID, err))
	}
	if len(tests.Tests) > 0 {
		fmt.Fprintf(env.stdout, "  %d failing test(s) recorded\n", len(tests.Tests))
	}
	ms, err := st.Matches(ctx, store.MatchFilter{LogID: l.ID, ForRepo: r.ID})
	if err != nil {
		return err
	}
	cfg, err := sf.load(env) // resolved once by open above
	if err != nil {
		return err
	}
	red := cliRedactor(env, cfg)
	for i := len(ms) - 1; i >= 0; i-- { // oldest (scan order) first
		m := ms[i]
		fmt.Fprintf(env.stdout, "  line %d: %s: %s\n", m.Line, m.Pattern, red.Text(m.Text))
	}
	return nil
}
