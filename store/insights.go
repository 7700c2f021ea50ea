package store

import (
	"context"
	"time"
)

// Insights are the read queries behind the web UI's charts and tables: read-only, shaped by
// screens rather than by the scan pipeline, and held to a latency budget (benchmarked at a
// million matches); a role of Store, implemented once in store/internal/sqlstore.
type Insights interface {
	// PatternFrequency counts, per pattern and per day or week, the jobs whose log a pattern
	// matched and the matched lines, by the job's completion time.
	PatternFrequency(ctx context.Context, f FrequencyFilter) ([]FrequencyBucket, error)
	// PatternMatches pages through a pattern's matches, newest (most recently stored) first, each
	// with the jobs whose log it is in; only jobs of the audience's repositories to which the
	// pattern applies are listed, and matches left without a job are skipped.
	PatternMatches(ctx context.Context, patternID int64, aud Audience, page Page) ([]PatternMatch, Cursor, error)
	// UnmatchedFailures pages through failed jobs whose stored log no pattern applying to the
	// job's repository matched, newest first: the failures nobody has explained yet, raw material
	// for new patterns.
	UnmatchedFailures(ctx context.Context, repoID int64, page Page) ([]Job, Cursor, error)
	// BranchGrid is the main-branch health grid: the last commits of a branch (newest first) by
	// job name, each cell the latest attempt's outcome. A commit is in it when its latest job
	// completion is at or after since (the zero time: any).
	BranchGrid(ctx context.Context, repoID int64, branch string, commits int, since time.Time) (BranchGrid, error)
	// AnnotationsCovering lists the known-broken annotations of a repository whose job glob
	// matches jobName and whose commit range covers sha. The store keeps no commit graph, so a
	// commit's place is when CI first saw it: the earliest start (else completion, else record)
	// time of its jobs in the repository. [FromSHA, ToSHA) covers a commit when FromSHA's time <=
	// the commit's time < ToSHA's time (no upper bound while open). A FromSHA with no jobs takes
	// the annotation's creation time; a commit with no jobs is covered only when it is FromSHA.
	AnnotationsCovering(ctx context.Context, repoID int64, jobName, sha string) ([]Annotation, error)
	// PatternStats is one row per active pattern for the patterns table, counting up to now the
	// hits in the audience's repositories to which the pattern applies.
	PatternStats(ctx context.Context, now time.Time, aud Audience) ([]PatternStat, error)
}

// Interval is the width of a frequency bucket.
type Interval string

// Bucket widths. Weeks start on Monday 00:00 UTC; days at 00:00 UTC.
const (
	Day  Interval = "day"
	Week Interval = "week"
)

// FrequencyFilter narrows PatternFrequency; zero fields mean any.
type FrequencyFilter struct {
	PatternIDs []int64
	RepoID     int64
	JobName    string
	Tag        string    // patterns carrying this tag
	From, To   time.Time // jobs completed in [From, To); both required
	Interval   Interval  // Day when empty
	// Audience: only hits in these repositories count (the zero value counts nothing), and only
	// in repositories the pattern applies to.
	Audience Audience
}

// FrequencyBucket is one point of a pattern's frequency chart.
type FrequencyBucket struct {
	PatternID int64
	Start     time.Time // UTC start of the day or week
	Jobs      int64     // jobs whose log the pattern matched
	Matches   int64     // matched lines in those logs
}

// Page asks for one page of a keyset-paginated list: Limit rows after After (the Cursor the
// previous page returned; empty for the first page). Keyset paging stays fast on deep pages and
// stable while rows are added.
type Page struct {
	Limit int // default 50, at most 500
	After Cursor
}

// Cursor marks where a page ended; empty when there is no next page.
type Cursor string

// PatternMatch is a match with the jobs whose log it was found in (several when identical logs
// are shared; none if the jobs were removed).
type PatternMatch struct {
	Match
	Jobs []MatchJob
}

// MatchJob is the job context a match is shown with.
type MatchJob struct {
	JobID       int64
	RepoID      int64
	Repo        string // owner/name
	Name        string
	SHA         string
	Branch      string
	Conclusion  string
	URL         string
	CompletedAt *time.Time
}

// BranchGrid is the commits × jobs table of a branch.
type BranchGrid struct {
	Jobs    []string     // every job name seen on these commits, sorted
	Commits []GridCommit // newest first
}

// GridCommit is one row of the grid.
type GridCommit struct {
	SHA   string
	At    time.Time           // latest completion of its jobs
	Cells map[string]GridCell // by job name; absent: the job did not run on this commit
}

// GridCell is a job's outcome on a commit.
type GridCell struct {
	JobID      int64 // the latest attempt
	Conclusion string
	Attempts   int
}

// PatternStat is one row of the patterns table.
type PatternStat struct {
	PatternID   int64
	Name        string
	Matches7d   int64 // matched lines in jobs completed in the 7 days before now
	Matches30d  int64
	Matches     int64 // all time
	Jobs        int64 // jobs matched, all time
	SuccessJobs int64 // of which succeeded: a pattern hitting green jobs is too broad
	LastSeen    *time.Time
}
