package ident

// Provider names the CI system a job ran on, as stored with each job and named in queued work.
// Job identity is per provider: the same job name on GitHub Actions and CircleCI is two jobs.
type Provider string

// Providers totto reads logs from, and the kinds a webhook names.
const (
	ProviderGitHubActions Provider = "github-actions"
	ProviderCircleCI      Provider = "circleci"
	// ProviderStatus is the kind a webhook names for a failed commit status from any other CI,
	// whose log totto cannot read; its job is stored under StatusProvider(context).
	ProviderStatus Provider = "status"
	// ProviderIngest is the default of jobs recorded by `totto ingest` from a local log file.
	ProviderIngest Provider = "ingest"
)

// StatusProvider is the provider of a job known only through a commit status with this context.
func StatusProvider(context string) Provider { return Provider("status:" + context) }
