package handlers

import (
	"strings"

	"github.com/totto-ci/totto/ciprovider"
)

// Providers a ProcessJobArgs can name (see pipeline.ProcessJobArgs.Provider).
const (
	ProviderGitHubActions = "github-actions"
	ProviderCircleCI      = "circleci"
	ProviderStatus        = "status"
)

// GitHub App slugs of the check-run producers totto can read logs from.
const (
	slugGitHubActions  = "github-actions"
	slugCircleCIChecks = "circleci-checks"
)

// checkRunProvider says which provider a completed check run comes from, given the slug of the
// app that created it.
func checkRunProvider(appSlug string) string {
	switch appSlug {
	case slugGitHubActions:
		return ProviderGitHubActions
	case slugCircleCIChecks:
		return ProviderCircleCI
	default:
		return ProviderStatus
	}
}

// statusProvider says whether a commit status comes from CircleCI (its context starts with
// "ci/circleci" and its target is a build link on circleci.com or the configured CircleCI Server)
// or from anything else, whose log totto cannot fetch. Whether the build is the event
// repository's is the pipeline's check (ciprovider.CircleSite.ForRepo), made before any request.
func statusProvider(site ciprovider.CircleSite, context, targetURL string) string {
	if !strings.HasPrefix(context, "ci/circleci") {
		return ProviderStatus
	}
	if _, err := site.Parse(targetURL); err != nil {
		return ProviderStatus
	}
	return ProviderCircleCI
}

// statusConclusion maps a commit status state to a job conclusion; "" means the status is not a
// final outcome (pending) and is ignored. GitHub's "error" (the CI could not run the job) is a
// failure for triage.
func statusConclusion(state string) string {
	switch state {
	case "success":
		return "success"
	case "failure", "error":
		return "failure"
	default:
		return ""
	}
}

// statusBranch picks the branch a status belongs to from the branches containing its commit:
// the default branch when it is among them (main-branch health), else the only one, else none.
func statusBranch(branches []string, defaultBranch string) string {
	for _, b := range branches {
		if b == defaultBranch && b != "" {
			return b
		}
	}
	if len(branches) == 1 {
		return branches[0]
	}
	return ""
}
