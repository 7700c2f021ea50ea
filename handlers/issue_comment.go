package handlers

import (
	"context"
	"encoding/json"

	"github.com/google/go-github/v89/github"
	"github.com/palantir/go-githubapp/githubapp"

	"github.com/totto-ci/totto/pipeline"
	"github.com/totto-ci/totto/queue"
)

// IssueComment queues /totto commands written on pull requests (GitHub sends pull-request
// conversation comments as issue comments).
type IssueComment struct {
	*Intake
}

// Handles implements githubapp.EventHandler.
func (h IssueComment) Handles() []string { return []string{"issue_comment"} }

// Handle implements githubapp.EventHandler.
func (h IssueComment) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var event github.IssueCommentEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return badPayload(eventType, err)
	}
	comment := event.GetComment()
	if !wantsCommand(event.GetAction(), comment.GetUser(), comment.GetBody()) {
		return nil
	}
	installationID := event.GetInstallation().GetID()
	ctx, _ = githubapp.PreparePRContext(ctx, installationID, event.GetRepo(), event.GetIssue().GetNumber())
	h.noteVisibility(ctx, event.GetRepo())
	return h.enqueueRecorded(ctx, deliveryID, eventType, pipeline.CommandArgs{
		InstallationID: installationID,
		Repo:           event.GetRepo().GetFullName(),
		IssueNumber:    event.GetIssue().GetNumber(),
		CommentID:      comment.GetID(),
		Author:         comment.GetUser().GetLogin(),
		Body:           comment.GetBody(),
	}, queue.EnqueueOpts{Unique: true, UniqueAfterFinish: true})
}
