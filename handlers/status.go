package handlers

import (
	"context"
	"encoding/json"

	"github.com/google/go-github/v89/github"
	"github.com/palantir/go-githubapp/githubapp"

	"github.com/totto-ci/totto/pipeline"
	"github.com/totto-ci/totto/queue"
)

// Status turns a final commit status into a job to record: CircleCI statuses carry a build URL
// whose log totto can fetch, any other context is a failure without a log. Successes are recorded
// too, as evidence for reruns and for main-branch health; pending statuses are not final and are
// ignored.
type Status struct {
	*Intake
}

// Handles implements githubapp.EventHandler.
func (h Status) Handles() []string { return []string{"status"} }

// Handle implements githubapp.EventHandler.
func (h Status) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var event github.StatusEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return badPayload(eventType, err)
	}
	conclusion := statusConclusion(event.GetState())
	if conclusion == "" {
		return nil
	}
	installationID := event.GetInstallation().GetID()
	ctx, _ = githubapp.PrepareRepoContext(ctx, installationID, event.GetRepo())
	branches := make([]string, 0, len(event.Branches))
	for _, b := range event.Branches {
		branches = append(branches, b.GetName())
	}
	args := pipeline.ProcessJobArgs{
		InstallationID: installationID,
		Repo:           event.GetRepo().GetFullName(),
		SHA:            event.GetSHA(),
		Branch:         statusBranch(branches, event.GetRepo().GetDefaultBranch()),
		DefaultBranch:  event.GetRepo().GetDefaultBranch(),
		Provider:       statusProvider(h.CircleCI, event.GetContext(), event.GetTargetURL()),
		JobName:        event.GetContext(),
		TargetURL:      event.GetTargetURL(),
		Conclusion:     conclusion,
	}
	if _, err := h.ensureRepository(ctx, installationID, args.Repo, event.GetRepo().GetOwner().GetLogin(), event.GetRepo().Private); err != nil {
		return err
	}
	return h.enqueueRecorded(ctx, deliveryID, eventType, args, queue.EnqueueOpts{Unique: true})
}
