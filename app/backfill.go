package app

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/google/go-github/v89/github"

	"github.com/totto-ci/totto/backfill"
	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/ident"
)

// defaultBranchTTL is how long a repository's default branch is trusted before GitHub is asked
// again: it rarely changes, and a round asks for every installed repository.
const defaultBranchTTL = 24 * time.Hour

// newSchedule builds the scheduled backfill from the backfill section of the configuration, or
// returns nil when it is off (interval 0, or no GitHub App to read history with). Every round covers the store's installed repositories,
// each read with its installation's client, bounded by limit and since.
func (a *App) newSchedule(cfg Config) *backfill.Schedule {
	if cfg.Backfill.Interval <= 0 || cfg.GitHub.AppID == 0 {
		return nil
	}
	hosts := logHosts(cfg)
	t := &backfillTargets{app: a, hosts: hosts, logs: ciprovider.LogHTTPClient(hosts, 5*time.Minute), branches: map[string]cachedBranch{}}
	return &backfill.Schedule{
		Interval: time.Duration(cfg.Backfill.Interval),
		Targets:  t.list,
		MaxAge:   time.Duration(cfg.Backfill.Since),
		Base: backfill.Options{
			Store:       a.Store,
			Blobs:       a.Blobs,
			Limit:       cfg.Backfill.Limit,
			MaxLogBytes: cfg.Logs.MaxBytes,
			// Polite next to the webhook work that shares the installation's rate limit.
			Concurrency: 2,
			ScanWorkers: 1,
		},
	}
}

// backfillTargets lists the scheduled backfill's repositories, remembering default branches.
type backfillTargets struct {
	app   *App
	hosts ciprovider.HostList
	logs  *http.Client

	mu       sync.Mutex
	branches map[string]cachedBranch // by full name
}

type cachedBranch struct {
	name    string
	fetched time.Time
}

// list returns one target per installed repository. A repository whose client or default branch
// cannot be had is logged and left out of this round rather than failing the others.
func (t *backfillTargets) list(ctx context.Context) ([]backfill.Target, error) {
	repos, err := t.app.Store.InstalledRepositories(ctx)
	if err != nil {
		return nil, err
	}
	log := t.app.logger
	var out []backfill.Target
	for _, r := range repos {
		if r.InstallationID == nil {
			continue
		}
		gh, err := t.app.GitHub.NewInstallationClient(*r.InstallationID)
		if err != nil {
			log.Warn().Err(err).Str("repo", r.FullName).Msg("scheduled backfill: no installation client")
			continue
		}
		branch, err := t.defaultBranch(ctx, gh, r.FullName)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			log.Warn().Err(err).Str("repo", r.FullName).Msg("scheduled backfill: default branch unknown")
			continue
		}
		out = append(out, backfill.Target{Repo: r.FullName, Branch: branch,
			Actions: &ciprovider.GitHubActions{API: gh, Logs: t.logs, Hosts: t.hosts}})
	}
	return out, nil
}

// defaultBranch asks GitHub for a repository's default branch, at most once per defaultBranchTTL.
func (t *backfillTargets) defaultBranch(ctx context.Context, gh *github.Client, fullName string) (string, error) {
	t.mu.Lock()
	c, ok := t.branches[fullName]
	t.mu.Unlock()
	if ok && time.Since(c.fetched) < defaultBranchTTL {
		return c.name, nil
	}
	id, err := ident.ParseRepo(fullName)
	if err != nil {
		return "", err
	}
	repo, _, err := gh.Repositories.Get(ctx, id.Owner, id.Name)
	if err != nil {
		return "", fmt.Errorf("default branch of %s: %w", fullName, err)
	}
	branch := repo.GetDefaultBranch()
	if branch == "" {
		return "", fmt.Errorf("default branch of %s: GitHub named none", fullName)
	}
	t.mu.Lock()
	t.branches[fullName] = cachedBranch{name: branch, fetched: time.Now()}
	t.mu.Unlock()
	return branch, nil
}
