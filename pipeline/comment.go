package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-github/v89/github"
	"github.com/rs/zerolog"
	"go.yaml.in/yaml/v3"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// CommentMode says when totto keeps its sticky comment on a pull request.
type CommentMode string

// Comment modes (`comment:` in .github/totto.yml).
const (
	CommentNever     CommentMode = "never"
	CommentOnFailure CommentMode = "on-failure"
	CommentAlways    CommentMode = "always"
)

func parseCommentMode(v *yaml.Node, bad problemFunc) CommentMode {
	switch m := CommentMode(v.Value); {
	case v.Kind == yaml.ScalarNode && (m == CommentNever || m == CommentOnFailure || m == CommentAlways):
		return m
	default:
		bad(v, "comment must be never, on-failure or always, got %q", v.Value)
		return CommentNever
	}
}

// stickyMarker starts totto's comment, so it is found again if its id was never recorded.
const stickyMarker = "<!-- totto:sticky -->"

// stickyComment keeps totto's one comment on each open pull request whose head is the commit:
// the check run's title and summary, edited in place, never written again when unchanged. With
// on-failure it is first posted when the check run fails, and kept up to date from then on.
func (p *pipeline) stickyComment(ctx context.Context, gh *github.Client, repo store.Repository, sha string, out triage.Output, cfg RepoConfig) error {
	if cfg.Comment == CommentNever || cfg.Comment == "" {
		return nil
	}
	gr, err := ident.ParseRepo(repo.FullName)
	if err != nil {
		return err
	}
	prs, _, err := gh.PullRequests.ListPullRequestsWithCommit(ctx, gr.Owner, gr.Name, sha, &github.ListOptions{PerPage: 10})
	if err != nil {
		return fmt.Errorf("pull requests of %s: %w", sha, err)
	}
	body := stickyMarker + "\n### " + out.Title + "\n\n" + out.Summary
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	for _, pr := range prs {
		if pr.GetState() != "open" || pr.GetHead().GetSHA() != sha {
			continue // only the pull request's latest commit speaks for it
		}
		if err := p.upsertComment(ctx, gh, repo, gr.Owner, gr.Name, pr.GetNumber(), body, hash, out.Conclusion == string(triage.CheckFailure) || cfg.Comment == CommentAlways); err != nil {
			return err
		}
	}
	return nil
}

func (p *pipeline) upsertComment(ctx context.Context, gh *github.Client, repo store.Repository, owner, name string, number int, body, hash string, create bool) error {
	prev, err := p.Store.PRComment(ctx, repo.ID, number)
	found := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if found && prev.BodyHash == hash {
		return nil
	}
	id := prev.CommentID
	if !found {
		if id, err = adoptComment(ctx, gh, owner, name, number); err != nil {
			return err
		}
	}
	log := zerolog.Ctx(ctx).With().Int("pull_request", number).Logger()
	switch {
	case id != 0:
		if _, _, err := gh.Issues.EditComment(ctx, owner, name, id, &github.IssueComment{Body: github.Ptr(body)}); err != nil {
			return fmt.Errorf("editing comment %d on #%d: %w", id, number, err)
		}
		log.Info().Int64("comment", id).Msg("sticky comment updated")
	case create:
		c, _, err := gh.Issues.CreateComment(ctx, owner, name, number, &github.IssueComment{Body: github.Ptr(body)})
		if err != nil {
			return fmt.Errorf("commenting on #%d: %w", number, err)
		}
		id = c.GetID()
		log.Info().Int64("comment", id).Msg("sticky comment created")
	default:
		return nil // on-failure and nothing failed yet: no comment
	}
	return p.Store.PutPRComment(ctx, store.PRComment{RepoID: repo.ID, Number: number, CommentID: id, BodyHash: hash})
}

// adoptComment finds totto's comment on a pull request by its marker (a crash between posting
// it and recording it must not make a second one), or 0.
func adoptComment(ctx context.Context, gh *github.Client, owner, name string, number int) (int64, error) {
	cs, _, err := gh.Issues.ListComments(ctx, owner, name, number, &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil {
		return 0, fmt.Errorf("comments of #%d: %w", number, err)
	}
	for _, c := range cs {
		if strings.HasPrefix(c.GetBody(), stickyMarker) {
			return c.GetID(), nil
		}
	}
	return 0, nil
}
