package handlers

import (
	"context"
	"encoding/json"

	"github.com/google/go-github/v89/github"
	"github.com/palantir/go-githubapp/githubapp"

	"github.com/totto-ci/totto/pipeline"
	"github.com/totto-ci/totto/queue"
)

// CommitComment queues /totto commands written on a commit, for pushes without a pull request
// (e.g. marking a main-branch failure as known).
type CommitComment struct {
	*Intake
}

// Handles implements githubapp.EventHandler.
func (h CommitComment) Handles() []string { return []string{"commit_comment"} }

// Handle implements githubapp.EventHandler.
func (h CommitComment) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var event github.CommitCommentEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return badPayload(eventType, err)
	}
	comment := event.GetComment()
	if !wantsCommand(event.GetAction(), comment.GetUser(), comment.GetBody()) {
		return nil
	}
	installationID := event.GetInstallation().GetID()
	ctx, _ = githubapp.PrepareRepoContext(ctx, installationID, event.GetRepo())
	h.noteVisibility(ctx, event.GetRepo())
	return h.enqueueRecorded(ctx, deliveryID, eventType, pipeline.CommandArgs{
		InstallationID: installationID,
		Repo:           event.GetRepo().GetFullName(),
		CommitSHA:      comment.GetCommitID(),
		CommitComment:  true,
		CommentID:      comment.GetID(),
		Author:         comment.GetUser().GetLogin(),
		Body:           comment.GetBody(),
	}, queue.EnqueueOpts{Unique: true, UniqueAfterFinish: true})
}
