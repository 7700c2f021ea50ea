package handlers

import (
	"strings"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/ident"
)

// GitHub App slugs of the check-run producers totto can read logs from.
const (
	slugGitHubActions  = "github-actions"
	slugCircleCIChecks = "circleci-checks"
)

// checkRunProvider says which provider a completed check run comes from, given the slug of the
// app that created it.
func checkRunProvider(appSlug string) ident.Provider {
	switch appSlug {
	case slugGitHubActions:
		return ident.ProviderGitHubActions
	case slugCircleCIChecks:
		return ident.ProviderCircleCI
	default:
		return ident.ProviderStatus
	}
}

// statusProvider says whether a commit status comes from CircleCI (its context starts with
// "ci/circleci" and its target is a build link on circleci.com or the configured CircleCI Server)
// or from anything else, whose log totto cannot fetch. Whether the build is the event
// repository's is the pipeline's check (ciprovider.CircleSite.ForRepo), made before any request.
func statusProvider(site ciprovider.CircleSite, context, targetURL string) ident.Provider {
	if !strings.HasPrefix(context, "ci/circleci") {
		return ident.ProviderStatus
	}
	if _, err := site.Parse(targetURL); err != nil {
		return ident.ProviderStatus
	}
	return ident.ProviderCircleCI
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
