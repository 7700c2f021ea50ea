// Package triage decides, for one commit, why each failed CI job failed and whether the commit's
// failures are all explained, then renders that decision as the markdown of a GitHub check run.
//
// Everything here is pure: the caller (the App's worker, the CLI's backfill) loads the commit, its
// jobs, their matches and likely-cause excerpts, the known-broken annotations and the base-branch
// evidence from the store, and hands them over as plain data. That keeps the rules that decide what
// a developer sees testable in tables, and lets backfill and the App agree by construction.
package triage
