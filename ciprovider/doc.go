// Package ciprovider talks to CI providers: it finds a failed job's metadata and streams its raw log, from
// GitHub Actions (job logs API) and CircleCI (API v1.1 step output), and re-runs a CircleCI workflow from
// its failed jobs (API v2). Retrying and scheduling are the caller's; this package classifies failures so
// callers know whether and when to retry.
package ciprovider
