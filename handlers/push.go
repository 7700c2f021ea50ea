package handlers

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/go-github/v89/github"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/store"
)

// Push records the commits pushed to a repository's default branch, so main-branch history knows
// every commit in order, including those CI has not reported on. Pushes to other branches, tag
// pushes and branch deletions are ignored. Reloading the repository's configuration is the
// pipeline's business; nothing is enqueued here.
type Push struct {
	*Intake
}

// Handles implements githubapp.EventHandler.
func (h Push) Handles() []string { return []string{"push"} }

// Handle implements githubapp.EventHandler.
func (h Push) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var event github.PushEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return badPayload(eventType, err)
	}
	repo := event.GetRepo()
	branch, ok := strings.CutPrefix(event.GetRef(), "refs/heads/")
	if !ok || branch != repo.GetDefaultBranch() || event.GetDeleted() || len(event.Commits) == 0 {
		return nil
	}
	installationID := event.GetInstallation().GetID()
	logger := zerolog.Ctx(ctx).With().Int64("github_installation_id", installationID).
		Str("github_repository_owner", repo.GetOwner().GetLogin()).
		Str("github_repository_name", repo.GetName()).Str("branch", branch).Logger()
	ctx = logger.WithContext(ctx)
	if isNew, err := h.firstDelivery(ctx, deliveryID, eventType); err != nil || !isNew {
		return err
	}
	r, err := h.ensureRepository(ctx, installationID, repo.GetFullName(), repo.GetOwner().GetLogin(), repo.Private)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	commits := make([]store.BranchCommit, 0, len(event.Commits))
	for _, c := range event.Commits {
		author := c.GetAuthor().GetLogin()
		if author == "" {
			author = c.GetAuthor().GetName()
		}
		msg, _, _ := strings.Cut(c.GetMessage(), "\n")
		commits = append(commits, store.BranchCommit{SHA: c.GetID(), Message: msg, Author: author, PushedAt: now})
	}
	if err := h.Store.RecordBranchCommits(ctx, r.ID, branch, commits); err != nil {
		return err
	}
	logger.Info().Int("commits", len(commits)).Msg("recorded pushed commits")
	return nil
}
