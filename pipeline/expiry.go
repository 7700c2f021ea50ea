package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/google/go-github/v89/github"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ident"
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
	def := p.defaultBranch(ctx, gh, a)
	if def == "" || j.Branch != def {
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
// (cached for defaultBranchTTL), else "" when GitHub does not say. Expiry is a tidying step:
// recording the job must not wait for it, and the next passing job tries again.
func (p *pipeline) defaultBranch(ctx context.Context, gh *github.Client, a ProcessJobArgs) string {
	if a.DefaultBranch != "" {
		return a.DefaultBranch
	}
	now := p.Clock()
	p.mu.Lock()
	c, ok := p.defaultBranches[a.Repo]
	p.mu.Unlock()
	if ok && now.Sub(c.at) < defaultBranchTTL {
		return c.name
	}
	var def string
	gr, err := ident.ParseRepo(a.Repo)
	if err == nil {
		var r *github.Repository
		if r, _, err = gh.Repositories.Get(ctx, gr.Owner, gr.Name); err == nil {
			def = r.GetDefaultBranch()
		}
	}
	if err != nil {
		// Remembered as unknown for the TTL, so a burst of jobs does not ask again and again.
		zerolog.Ctx(ctx).Warn().Err(fmt.Errorf("default branch of %s: %w", a.Repo, err)).
			Msg("known-broken expiry skipped: default branch not known")
	}
	p.mu.Lock()
	p.defaultBranches[a.Repo] = cachedBranch{name: def, at: now}
	p.mu.Unlock()
	return def
}
