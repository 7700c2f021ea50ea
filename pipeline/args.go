package pipeline

import "github.com/totto-ci/totto/ident"

// ProcessJobArgs asks for one completed CI job to be recorded and, if it failed, its log fetched,
// stored and scanned. Handlers enqueue it from check_run and status events.
type ProcessJobArgs struct {
	InstallationID int64  `json:"installation_id"`
	Repo           string `json:"repo"` // owner/name
	SHA            string `json:"sha"`
	Branch         string `json:"branch,omitempty"`
	// DefaultBranch is the repository's default branch as the event reported it, where a
	// passing job counts towards closing known-broken annotations; empty (events queued before
	// it existed) makes the pipeline ask GitHub.
	DefaultBranch string `json:"default_branch,omitempty"`
	// Provider is "github-actions" (check run of a GitHub Actions job: JobID set), "circleci"
	// (status or check run pointing at CircleCI: TargetURL set) or "status" (any other failed
	// status context: recorded as a failure whose log totto cannot read).
	Provider   ident.Provider `json:"provider"`
	JobID      int64          `json:"job_id,omitempty"`
	JobName    string         `json:"job_name,omitempty"` // check run name or status context
	TargetURL  string         `json:"target_url,omitempty"`
	Conclusion string         `json:"conclusion"` // success, failure, cancelled, timed_out, …
}

// Kind names the job for the queue.
func (ProcessJobArgs) Kind() string { return "process_job" }

// TriageCommitArgs asks for a commit's failures to be classified and its check run written. It
// is enqueued unique per (repo, SHA) with a short delay, so a burst of job events for one commit
// produces one update.
type TriageCommitArgs struct {
	InstallationID int64  `json:"installation_id"`
	Repo           string `json:"repo" river:"unique"`
	SHA            string `json:"sha" river:"unique"`
}

// Kind names the job for the queue.
func (TriageCommitArgs) Kind() string { return "triage_commit" }

// CommandArgs carries a /totto comment to be checked for permission and carried out.
type CommandArgs struct {
	InstallationID int64  `json:"installation_id"`
	Repo           string `json:"repo"`
	// Where the comment is: an issue/PR comment (IssueNumber, CommentID) or a commit comment
	// (CommitSHA, CommentID with CommitComment set).
	IssueNumber   int    `json:"issue_number,omitempty"`
	CommitSHA     string `json:"commit_sha,omitempty"`
	CommitComment bool   `json:"commit_comment,omitempty"`
	CommentID     int64  `json:"comment_id"`
	Author        string `json:"author"`
	Body          string `json:"body"`
}

// Kind names the job for the queue.
func (CommandArgs) Kind() string { return "slash_command" }
