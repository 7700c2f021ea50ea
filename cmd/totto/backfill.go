package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/go-github/v89/github"
	"golang.org/x/term"

	"github.com/totto-ci/totto/backfill"
	"github.com/totto-ci/totto/ciprovider"
)

func init() {
	register(&command{name: "backfill", summary: "store and scan a branch's CI history (GitHub Actions, CircleCI)", run: runBackfill})
}

// exitInterrupted is the shell's convention for a command stopped by Ctrl-C.
const exitInterrupted = 130

const backfillHelp = `usage: totto backfill OWNER/REPO [--branch main] [--since 30d | --limit N]
       [--provider actions|circleci|auto] [--failed-only] [--sample-success N] [--concurrency N]
       [--cache-dir DIR --cache-max-bytes N] [--public] [--database URL]

Lists a branch's past CI jobs, stores them, downloads failed jobs' logs (and a sample of successful
jobs' logs, to measure pattern hits on successful jobs), then scans what is new. GitHub Actions
needs GITHUB_TOKEN (--github-api-url for GitHub Enterprise, default github.api_url); CircleCI uses
CIRCLECI_TOKEN, else circleci.token, when set (public projects need none). --provider auto reads
GitHub Actions when GITHUB_TOKEN is set and CircleCI when a CircleCI token is. Logs may come from
the providers' hosts, logs.hosts and --log-hosts.

Running it again does no work twice: runs completely processed before are not listed again and a
job whose log is stored is not downloaded again, so an interrupted backfill (Ctrl-C: in-flight
downloads finish, then it stops; a second Ctrl-C stops them at once) resumes where it stopped.
Runs are listed by creation-time ranges, so GitHub's 1,000-run cap per listing is passed; runs,
jobs and logs are fetched --concurrency at a time, downloads starting while listing goes on.
Rate limits are obeyed (every worker pauses until Retry-After or the rate-limit reset, once for
answers that arrive together); timeouts, 5xx and downloads cut short are retried with backoff;
expired or deleted logs are recorded as unavailable with the reason. A log longer than
--max-log-bytes keeps its tail (where the failure is; only the tail is written to disk) and is
marked truncated. Files left by a killed backfill are removed at the start.
A repository first seen here is private (the web UI shows its jobs only to users who can read it
on GitHub) unless --public is given; one already known keeps the visibility its webhooks reported.

Exit codes: 0 done; 1 done, but some logs could not be fetched (run again to retry them);
2 usage error; 3 error; 130 interrupted (run again to resume).
` + storeFlagsHelp + `
flags:
`

func runBackfill(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("backfill", flag.ContinueOnError)
	branch := fs.String("branch", "main", "branch whose history to backfill")
	since := fs.String("since", "", "only jobs newer than this: a duration (30d, 2w, 12h) or a date (2026-11-01)")
	limit := fs.Int("limit", 0, "only the newest N workflow runs / CircleCI builds per provider (0: no limit)")
	provider := fs.String("provider", "auto", "actions, circleci or auto")
	failedOnly := fs.Bool("failed-only", false, "store failed jobs only")
	sample := fs.Int("sample-success", 2, "also download the logs of the newest N successful jobs of every job name (ignored with --failed-only)")
	concurrency := fs.Int("concurrency", 4, "parallel requests (run and job listings and log downloads)")
	maxLog := fs.Int64("max-log-bytes", 64<<20, "keep the last this many bytes of a longer log (0: all)")
	cacheDir := fs.String("cache-dir", "", "keep raw downloads in this directory, so they are never downloaded twice")
	cacheMax := fs.Int64("cache-max-bytes", 2<<30, "cap of the cache; beyond it, logs already stored are evicted first, least recently used first (0: no cap)")
	ghURL := fs.String("github-api-url", "", "GitHub Enterprise API URL, e.g. https://ghe.example.com/api/v3/")
	circleURL := fs.String("circleci-api-url", "https://circleci.com/api/v1.1", "CircleCI API v1.1 root (CircleCI Server differs)")
	vcs := fs.String("circleci-vcs", "github", "CircleCI project VCS: github or bitbucket")
	logHosts := fs.String("log-hosts", "", "comma-separated extra hosts (host, host:port or *.domain) logs may be downloaded from (Enterprise and Server installs)")
	public := fs.Bool("public", false, "record the repository as public: its jobs and logs are shown in the UI to everyone (default: private, shown to its GitHub readers; a known repository keeps its visibility)")
	sf := addStoreFlags(fs)
	rest, done, err := parseSubcommandFlags(env, fs, backfillHelp, args)
	if done {
		return err
	}
	if len(rest) != 1 {
		return withCode(exitUsage, fmt.Errorf("want exactly one OWNER/REPO argument, got %d", len(rest)))
	}
	cfg, err := sf.load(env)
	if err != nil {
		return err
	}
	// The API roots and log hosts default to the App's own settings, so one config file serves both.
	if !sf.explicit("github-api-url") {
		*ghURL = cfg.GitHub.APIURL
	}
	if !sf.explicit("circleci-api-url") && cfg.CircleCI.APIURL != "" {
		*circleURL = cfg.CircleCI.APIURL
	}
	repo := rest[0]
	if strings.Count(repo, "/") != 1 || strings.HasPrefix(repo, "/") || strings.HasSuffix(repo, "/") {
		return withCode(exitUsage, fmt.Errorf("repository %q: want OWNER/REPO", repo))
	}
	opts := backfill.Options{Repo: repo, Public: *public, Branch: *branch, Limit: *limit, FailedOnly: *failedOnly,
		SampleSuccess: *sample, Concurrency: *concurrency, MaxLogBytes: *maxLog, CircleVCS: *vcs}
	if *since != "" {
		if *limit != 0 {
			return withCode(exitUsage, errors.New("--since and --limit are exclusive"))
		}
		if opts.Since, err = parseSince(*since, time.Now()); err != nil {
			return withCode(exitUsage, err)
		}
	}
	if *concurrency < 1 || *concurrency > 32 {
		return withCode(exitUsage, fmt.Errorf("--concurrency %d: want 1 to 32", *concurrency))
	}
	hosts := append(append(ciprovider.HostList{}, ciprovider.DefaultLogHosts...), cfg.Logs.Hosts...)
	for h := range strings.SplitSeq(*logHosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, h)
		}
	}
	ghToken, circleToken := env.getenv("GITHUB_TOKEN"), env.getenv("CIRCLECI_TOKEN")
	if circleToken == "" {
		circleToken = cfg.CircleCI.Token
	}
	useActions, useCircle := false, false
	switch *provider {
	case "actions":
		useActions = true
	case "circleci":
		useCircle = true
	case "auto":
		useActions, useCircle = ghToken != "", circleToken != ""
		if !useActions && !useCircle {
			return withCode(exitUsage, errors.New("--provider auto: set GITHUB_TOKEN (GitHub Actions) or CIRCLECI_TOKEN (CircleCI), or name the provider"))
		}
	default:
		return withCode(exitUsage, fmt.Errorf("--provider %q: want actions, circleci or auto", *provider))
	}
	if useActions {
		if ghToken == "" {
			return withCode(exitUsage, errors.New("GitHub Actions needs GITHUB_TOKEN"))
		}
		gopts := []github.ClientOptionsFunc{github.WithAuthToken(ghToken), github.WithTimeout(60 * time.Second)}
		if *ghURL != "" {
			gopts = append(gopts, github.WithEnterpriseURLs(*ghURL, *ghURL))
		}
		api, err := github.NewClient(gopts...)
		if err != nil {
			return withCode(exitUsage, fmt.Errorf("--github-api-url %q: %w", *ghURL, err))
		}
		opts.Actions = &ciprovider.GitHubActions{API: api, Logs: ciprovider.LogHTTPClient(hosts, 10*time.Minute), Hosts: hosts}
	}
	if useCircle {
		opts.CircleCI = &ciprovider.CircleCI{BaseURL: *circleURL, Token: circleToken, API: &http.Client{Timeout: 60 * time.Second},
			Logs: ciprovider.LogHTTPClient(hosts, 10*time.Minute), Hosts: hosts}
	}
	if *cacheDir != "" {
		if opts.Cache, err = backfill.OpenCache(*cacheDir, *cacheMax); err != nil {
			return withCode(exitError, err)
		}
	}
	st, blobs, err := sf.open(ctx, env, true)
	if err != nil {
		return withCode(exitError, err)
	}
	defer st.Close()
	defer blobs.Close()
	opts.Store, opts.Blobs = st, blobs

	printer := &backfill.Printer{W: env.stderr, Terminal: isTerminal(env.stderr), Width: terminalWidth(env.stderr)}
	opts.Progress = printer.Update
	abort, stopAbort := abortOnSecondInterrupt(ctx)
	defer stopAbort()
	opts.Abort = abort
	res, err := backfill.Run(ctx, opts)
	printer.Done(res.Progress)
	if res.Leftovers > 0 {
		fmt.Fprintf(env.stderr, "removed %d files (%.1f MB) left by a killed backfill\n", res.Leftovers, float64(res.LeftoverBytes)/1e6)
	}
	for _, c := range res.Capped {
		fmt.Fprintf(env.stderr, "warning: runs created %s; the others were not backfilled\n", c)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return withCode(exitInterrupted, fmt.Errorf("interrupted after %d logs; run the same command again to resume", res.Fetched()))
	case err != nil:
		return withCode(exitError, err)
	}
	var paused time.Duration
	for _, w := range res.RateLimitWaits {
		paused += w
	}
	fmt.Fprintf(env.stdout, "%s: %d runs, %d jobs, %d logs downloaded (%.1f MB), %d from the cache, %d already stored, %d unavailable, %d failed; %d logs scanned; %d retries, %d rate-limit pauses (%s)\n",
		repo, res.Runs, res.Listed, res.Downloaded, float64(res.Bytes)/1e6, res.FromCache, res.AlreadyStored, res.Unavailable, res.Failed, res.Scanned,
		res.Retries, len(res.RateLimitWaits), paused.Round(time.Second))
	if len(res.Failures) > 0 {
		for _, f := range res.Failures {
			fmt.Fprintf(env.stderr, "  %s: %v\n", f.Job, f.Err)
		}
		return withCode(exitFindings, fmt.Errorf("%d logs could not be fetched; run again to retry them", len(res.Failures)))
	}
	return nil
}

// parseSince reads --since: a number of days, weeks or hours before now, or a date.
func parseSince(v string, now time.Time) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	if len(v) >= 2 {
		n, err := strconv.Atoi(v[:len(v)-1])
		unit := map[byte]time.Duration{'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[v[len(v)-1]]
		if err == nil && n > 0 && unit > 0 {
			return now.Add(-time.Duration(n) * unit), nil
		}
	}
	return time.Time{}, fmt.Errorf("--since %q: want a duration such as 30d, 2w or 12h, or a date such as 2026-11-01", v)
}

// abortOnSecondInterrupt returns a context that ends at the second interrupt: the first (which
// ends ctx) lets downloads in flight finish, the second stops them.
func abortOnSecondInterrupt(ctx context.Context) (context.Context, func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	abort, stop := abortOnSecond(ctx, sigs)
	return abort, func() { signal.Stop(sigs); stop() }
}

// abortOnSecond is abortOnSecondInterrupt on a given signal channel.
func abortOnSecond(ctx context.Context, sigs <-chan os.Signal) (context.Context, func()) {
	abort, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		for n := 1; ; n++ {
			select {
			case <-sigs:
				if n >= 2 {
					cancel()
					return
				}
			case <-done:
				return
			}
		}
	}()
	return abort, func() { close(done); cancel() }
}

// terminalWidth returns w's width in columns when it is a terminal.
func terminalWidth(w any) func() int {
	return func() int {
		f, ok := w.(*os.File)
		if !ok {
			return 0
		}
		cols, _, err := term.GetSize(int(f.Fd()))
		if err != nil {
			return 0
		}
		return cols
	}
}

// isTerminal reports whether progress can be redrawn in place on w.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
