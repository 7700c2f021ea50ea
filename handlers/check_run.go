package handlers

import (
	"context"
	"encoding/json"

	"github.com/google/go-github/v89/github"
	"github.com/palantir/go-githubapp/githubapp"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/pipeline"
	"github.com/totto-ci/totto/queue"
)

// CheckRun turns a completed check run of a CI into a job to record and, if failed, triage.
// GitHub Actions and CircleCI report jobs as check runs; totto's own check runs are skipped so
// posting a verdict never triggers another triage.
type CheckRun struct {
	*Intake
}

// Handles implements githubapp.EventHandler.
func (h CheckRun) Handles() []string { return []string{"check_run"} }

// Handle implements githubapp.EventHandler.
func (h CheckRun) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var event github.CheckRunEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return badPayload(eventType, err)
	}
	run := event.GetCheckRun()
	if event.GetAction() != "completed" || run == nil {
		return nil
	}
	installationID := event.GetInstallation().GetID()
	ctx, logger := githubapp.PrepareRepoContext(ctx, installationID, event.GetRepo())
	if h.AppID != 0 && run.GetApp().GetID() == h.AppID {
		logger.Debug().Int64("check_run_id", run.GetID()).Msg("ignoring our own check run")
		return nil
	}
	args := pipeline.ProcessJobArgs{
		InstallationID: installationID,
		Repo:           event.GetRepo().GetFullName(),
		SHA:            run.GetHeadSHA(),
		Branch:         run.GetCheckSuite().GetHeadBranch(),
		DefaultBranch:  event.GetRepo().GetDefaultBranch(),
		Provider:       checkRunProvider(run.GetApp().GetSlug()),
		JobName:        run.GetName(),
		Conclusion:     run.GetConclusion(),
	}
	if args.Provider == ident.ProviderGitHubActions {
		// A GitHub Actions job's check run id is its job id (its details URL ends in /job/<id>).
		args.JobID = run.GetID()
	}
	args.TargetURL = run.GetDetailsURL()
	if args.TargetURL == "" {
		args.TargetURL = run.GetHTMLURL()
	}
	if _, err := h.ensureRepository(ctx, installationID, args.Repo, event.GetRepo().GetOwner().GetLogin(), event.GetRepo().Private); err != nil {
		return err
	}
	return h.enqueueRecorded(ctx, deliveryID, eventType, args, queue.EnqueueOpts{Unique: true})
}
