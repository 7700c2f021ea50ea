package ciprovider

import "github.com/google/go-github/v89/github"

// ActionsJob describes a job from a GitHub listing (a run's jobs) in the provider-neutral shape,
// so callers that list jobs in bulk need not fetch each one again with Job.
func ActionsJob(repo string, wj *github.WorkflowJob) *Job { return actionsJob(repo, wj) }
