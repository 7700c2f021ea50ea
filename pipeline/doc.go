// Package pipeline is the durable work behind the GitHub App: fetch a failed job's log, store and
// scan it, triage the commit, and create or update its one check run; and carry out /totto slash
// commands. Webhook handlers only enqueue these jobs; workers run them with retries, so a crash or a
// restart loses nothing.
//
// # Jobs
//
// ProcessJobArgs records one CI job (GitHub Actions through the installation client, CircleCI
// through API v1.1, any other commit status as a failure whose log cannot be read). A failed job's
// log is downloaded into a spool, stored content-addressed in the blob store and scanned through
// scan.Rescan, so matches and the log's scan watermark are recorded together. A successful job is
// recorded without its log: it is rerun evidence. Then TriageCommitArgs is queued, unique per
// (repo, SHA) and delayed by Deps.TriageDelay, so a burst of job events becomes one update. A triage
// already running when an event arrives cannot see it, so a small retriage job queues the triage
// again once that run has finished. A job that passed on the repository's default branch (from the
// event, else asked of GitHub and cached) closes the known-broken annotations it and the commits
// before it show fixed (known_broken_expiry_passes in a row), and the recent commits with a failed
// job those annotations matched are triaged again, as after /totto fixed.
//
// TriageCommitArgs reads the commit's jobs, matches, annotations and base-branch evidence, renders
// the check run and creates or updates the one check run named "totto": it reuses the id in the
// store, else adopts an existing "totto" check run listed on GitHub (a crash between creating and
// recording it is harmless), and skips the API call when the output hash is unchanged. Each
// pattern's record from rerun evidence (every repository's) goes into triage, so a flaky pattern
// the repository's `demotion:` thresholds call too broad stops excusing failures. Under each new
// job the check run offers a pattern when the job's failure line has the shape of the
// repository's other unexplained failures within `suggestions.window`.
//
// CommandArgs carries out /totto known-broken, fixed, rescan and help. All but help need write,
// maintain or admin permission on the repository; others are refused with a reply. totto reacts 👀 at once,
// then 👍 or 😕, and replies with what it did. After a change it re-triages the command's commit
// and the repository's most recent commits with a check run (Deps.RetriageCommits, newest check
// runs first) that have a failed job the glob matches; older check runs keep their verdict until
// their commit gets another event.
//
// # Failures
//
// Timeouts and 5xx are retried with River's backoff. A GitHub primary or secondary rate limit (or
// a CircleCI 429) snoozes the job until the limit resets instead of spending attempts. A 4xx that
// retrying cannot fix cancels the job. An expired or deleted log is recorded as unavailable with
// the reason, and the job's verdict is no-log.
//
// # Decisions
//
//   - Oversized logs keep their tail (the last Deps.MaxLogBytes, from the first whole line), since
//     a job fails at the end of its log; the log is marked truncated. Line numbers then count from
//     the start of the kept tail.
//   - The likely-cause excerpt has no place in the store; triage recomputes it from the stored log
//     in one streaming pass, together with the lines around the best match and the step bounds.
//     Its cause line alone is kept (store.CauseLineCache), because suggestions cluster up to 500
//     unexplained failures per check run and must not read their logs each time; a failure whose
//     line is not kept yet is read then (at most 20 per check run).
//   - .github/totto.yml is read from the default branch (reviewed configuration only; a pull
//     request cannot excuse its own failures), falling back to the organisation's .github
//     repository, and cached for a minute. Its patterns are stored scoped to the repository under
//     the source "repo:OWNER/NAME:.github/totto.yml"; patterns removed from the file are retired.
//     Problems are reported at the top of the check run with file and line. The file's valid
//     patterns and keys apply; an invalid pattern keeps its last good version and an invalid key its
//     last good value (kept in memory: after a restart, the default). A file that cannot be read
//     at all (YAML syntax) keeps the whole last good configuration, and the stored patterns.
//   - `builtin: false` hides matches of the built-in packs in triage, `builtin_off: [pack,
//     pack/name]` of single packs or patterns; the packs are still scanned (they are operator
//     patterns, for every repository), so switching them back on needs no rescan.
//   - Base-branch evidence comes from the commit's open pull request and GitHub's compare; without
//     one it is "not known".
package pipeline
