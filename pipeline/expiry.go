package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/google/go-github/v89/github"

	"github.com/totto-ci/totto/store"
)

// defaultBranchTTL is how long a default branch asked of GitHub is reused: it changes rarely, and
// job events usually carry it anyway.
const defaultBranchTTL = 10 * time.Minute

// cachedBranch is a default branch and when it was asked.
type cachedBranch struct {
	name string
	at   time.Time
}

// expireAfterPass closes the repository's known-broken annotations that a passing job on the
// default branch has shown fixed, and queues the triage of the recent commits whose jobs they
// matched, as a slash command changing annotations does.
func (p *pipeline) expireAfterPass(ctx context.Context, gh *github.Client, a ProcessJobArgs, repo store.Repository, j store.Job) error {
	if j.Conclusion != "success" || j.Branch == "" {
		return nil
	}
	def, err := p.defaultBranch(ctx, gh, a)
	if err != nil {
		return err
	}
	if j.Branch != def {
		return nil
	}
	cfg, err := p.config(ctx, gh, repo.ID, a.Repo)
	if err != nil {
		return err
	}
	closed, err := expireKnownBroken(ctx, p.Store, repo, def, cfg.KnownBrokenPasses)
	if err != nil || len(closed) == 0 {
		return err
	}
	globs := make([]string, 0, len(closed))
	for _, an := range closed {
		globs = append(globs, an.JobGlob)
	}
	return p.retriageAfter(ctx, a.InstallationID, repo, j.SHA, globs)
}

// defaultBranch is the repository's default branch: from the event, else asked of GitHub
// (cached for defaultBranchTTL).
func (p *pipeline) defaultBranch(ctx context.Context, gh *github.Client, a ProcessJobArgs) (string, error) {
	if a.DefaultBranch != "" {
		return a.DefaultBranch, nil
	}
	now := p.Clock()
	p.mu.Lock()
	c, ok := p.defaultBranches[a.Repo]
	p.mu.Unlock()
	if ok && now.Sub(c.at) < defaultBranchTTL {
		return c.name, nil
	}
	owner, name, err := splitRepo(a.Repo)
	if err != nil {
		return "", err
	}
	r, _, err := gh.Repositories.Get(ctx, owner, name)
	if err != nil {
		return "", fmt.Errorf("default branch of %s: %w", a.Repo, err)
	}
	p.mu.Lock()
	p.defaultBranches[a.Repo] = cachedBranch{name: r.GetDefaultBranch(), at: now}
	p.mu.Unlock()
	return r.GetDefaultBranch(), nil
}
