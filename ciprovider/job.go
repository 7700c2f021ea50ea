package ciprovider

import (
	"time"

	"github.com/totto-ci/totto/ident"
)

// Job is one CI job run as a provider describes it, in the shape the store and triage need.
type Job struct {
	Provider   ident.Provider
	ExternalID string // provider's id: GitHub job id, CircleCI build number
	Attempt    int
	Repo       string // owner/name
	SHA        string
	Branch     string
	Name       string
	Conclusion string // success, failure, cancelled, timed_out, skipped, ...
	URL        string // the job's page at the provider
	Steps      []Step
	Started    time.Time
	Completed  time.Time
}

// Step is one step of a job; Failed marks the step(s) whose output explains the failure.
type Step struct {
	Number int
	Name   string
	Failed bool
}
