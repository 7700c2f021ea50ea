package store

import (
	"context"
	"errors"
	"time"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/patterns"
)

// Store is everything totto persists, behind one interface so that the single-binary SQLite
// deployment and the scaled-out Postgres deployment behave identically (one conformance suite,
// store/storetest, runs against both). It is one contract: the role interfaces it embeds
// (Insights, Screens, …) are part of every store, so no caller discovers a capability at run
// time; a consumer that needs only one role declares just that.
type Store interface {
	Insights
	Screens
	TrialLogs
	PrecisionQuerier
	CauseLineCache
	FailureHistories
	VerdictKeeper
	DemotionWatch
	BranchHistory
	CommitLookup
	AnnotationExpirer
	InstalledRepositoryLister
	SessionStore
	TestHistory
	JobHistory
	Reruns
	PRComments
	Pruner
	// BackfillState is what backfills keep between runs.
	BackfillState

	// CommitJobs lists every job (all attempts) of a commit in a repository.
	CommitJobs(ctx context.Context, repoID int64, sha string) ([]Job, error)
	// RecentCheckRuns lists the repository's latest check runs, newest first, up to limit.
	RecentCheckRuns(ctx context.Context, repoID int64, limit int) ([]CheckRun, error)

	// UpsertInstallation records a GitHub App installation (or re-activates it).
	UpsertInstallation(ctx context.Context, in Installation) error
	// DeactivateInstallation marks an installation and its repositories inactive; nothing is
	// deleted, so history stays visible and a re-install picks it up again.
	DeactivateInstallation(ctx context.Context, installationID int64) error
	// UpsertRepository creates or updates a repository by full name ("owner/name") and returns it
	// with its id; Active and Private are set from r.
	UpsertRepository(ctx context.Context, r Repository) (Repository, error)
	// SetRepositoryActive marks one repository (un)installed without deleting anything.
	SetRepositoryActive(ctx context.Context, fullName string, active bool) error
	// Repository returns a repository by full name; ErrNotFound if unknown.
	Repository(ctx context.Context, fullName string) (Repository, error)

	// UpsertJob stores a CI job run idempotently on (provider, external id, attempt) and returns
	// it with its id. A repeated delivery updates the mutable fields (conclusion, times, log).
	UpsertJob(ctx context.Context, j Job) (Job, error)
	// Job returns a job by id; ErrNotFound if unknown.
	Job(ctx context.Context, id int64) (Job, error)
	// SetJobLog links a stored log to a job (state stored) or records why there is none
	// (state unavailable with a reason) so a missing log is reported, never silently dropped.
	SetJobLog(ctx context.Context, jobID int64, logID *int64, state LogState, reason string) error

	// PutLog records a log's metadata once per content hash and returns its id; storing the same
	// content again returns the existing log (Created=false).
	PutLog(ctx context.Context, l Log) (Log, error)
	// Log returns a log by id; ErrNotFound if unknown.
	Log(ctx context.Context, id int64) (Log, error)
	// LogBySHA256 returns a log by content hash; ErrNotFound if unknown.
	LogBySHA256(ctx context.Context, sha256 string) (Log, error)

	// AddPatterns merges a loaded pattern set into the store (see PatternChange for the rules)
	// and reports what happened to each input pattern, in input order.
	AddPatterns(ctx context.Context, ps []Pattern, actor string) ([]PatternChange, error)
	// RetirePattern retires one pattern; its matches stay, it is no longer scanned for.
	RetirePattern(ctx context.Context, id int64, actor string) error
	// RetirePatternWithReason is RetirePattern recording why (shown with the pattern and in its
	// audit trail).
	RetirePatternWithReason(ctx context.Context, id int64, actor, reason string) error
	// Patterns lists patterns, oldest first.
	Patterns(ctx context.Context, f PatternFilter) ([]Pattern, error)
	// Pattern returns one pattern by id, retired or not; ErrNotFound if unknown.
	Pattern(ctx context.Context, id int64) (Pattern, error)

	// PendingScans is the incremental-scan query: in one query it returns up to limit stored
	// logs with an id above afterLogID whose watermark is below the newest active pattern, in
	// id order, each with the missing applicable pattern ids (ascending; may be empty when the
	// new patterns are scoped to other repositories) and the watermark to record once scanned.
	PendingScans(ctx context.Context, afterLogID int64, limit int) ([]PendingScan, error)
	// RecordScan stores a log's matches and advances its watermark in one transaction, so a
	// crash at any moment leaves either both or neither. It reports false (and writes nothing)
	// when the log's watermark is no longer p.From, i.e. another scanner got there first.
	RecordScan(ctx context.Context, p PendingScan, ms []patterns.Match) (bool, error)
	// Matches lists matches, newest first.
	Matches(ctx context.Context, f MatchFilter) ([]Match, error)

	// OpenAnnotation records a known-broken range for a repository's jobs.
	OpenAnnotation(ctx context.Context, a Annotation) (Annotation, error)
	// CloseAnnotation ends open annotations of a repository whose job glob is jobGlob at
	// toSHA and returns how many were closed.
	CloseAnnotation(ctx context.Context, repoID int64, jobGlob, toSHA, actor string) (int, error)
	// Annotations lists a repository's annotations, newest first; open only when openOnly.
	Annotations(ctx context.Context, repoID int64, openOnly bool) ([]Annotation, error)

	// CheckRun returns the check run posted for a commit; ErrNotFound if none, so the caller
	// knows to create rather than update.
	CheckRun(ctx context.Context, repoID int64, sha string) (CheckRun, error)
	// PutCheckRun records the check run of a commit and the hash of its last rendered output,
	// so an unchanged verdict is not re-posted.
	PutCheckRun(ctx context.Context, c CheckRun) error

	// RecordDelivery remembers a webhook delivery id; it returns true the first time and false
	// for a redelivery, so handlers de-duplicate.
	RecordDelivery(ctx context.Context, d Delivery) (bool, error)
	// InTx runs fn in one write transaction: committed when fn returns nil, rolled back
	// otherwise (fn's error is returned).
	InTx(ctx context.Context, fn func(Tx) error) error
	// Conn is the connection pool, for the job queue that shares the database.
	Conn() Conn

	// AuditTrail lists who changed which pattern or annotation, newest first.
	AuditTrail(ctx context.Context, subject string, limit int) ([]AuditEvent, error)

	// Stats counts what is stored, for `totto stats` and health pages.
	Stats(ctx context.Context) (Stats, error)
	// ScanBacklog counts the stored logs and those a pattern has still to scan: Stats' Logs and
	// UnscannedLogs without its counts of every job and match, for a page showing a rescan's
	// progress.
	ScanBacklog(ctx context.Context) (ScanBacklog, error)
	// MigrationStatus reports the applied schema version and the newest one embedded.
	MigrationStatus(ctx context.Context) (MigrationStatus, error)
	// Close releases connections.
	Close() error
}

// Errors callers branch on. Implementations wrap them with context.
var (
	// ErrNotFound: the asked-for row does not exist.
	ErrNotFound = errors.New("not found")
	// ErrBadCursor: a page cursor is not one the store returned (a visitor's typing).
	ErrBadCursor = errors.New("not a page cursor this store returned")
	// ErrUnknownPattern: a match names a pattern id that does not exist (deleted or never stored).
	ErrUnknownPattern = errors.New("unknown pattern")
	// ErrUnknownLog: a match or job names a log id that does not exist.
	ErrUnknownLog = errors.New("unknown log")
)

// Installation is a GitHub App installation on an account.
type Installation struct {
	ID        int64 // GitHub's installation id
	Account   string
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Repository is a repository totto knows of: installed through the App, or seen by `totto ingest`
// from another CI (then InstallationID is nil).
type Repository struct {
	ID             int64
	InstallationID *int64
	FullName       string // owner/name (the owner is the tenant: see Owner)
	Active         bool
	// Private is GitHub's visibility of the repository: the UI shows a private repository's jobs,
	// logs and matches only to users who can read it on GitHub. Rows stored before visibility
	// was recorded read as private (fail closed) until an event reports it.
	Private   bool
	CreatedAt time.Time
}

// LogState says whether a job's log is stored, still to be fetched, or unavailable (and why).
type LogState string

// Log states of a job.
const (
	LogPending     LogState = "pending"
	LogStored      LogState = "stored"
	LogUnavailable LogState = "unavailable"
)

// Job is one CI job run.
type Job struct {
	ID          int64
	Provider    ident.Provider // "github-actions", "circleci", "ingest", …
	ExternalID  string         // the provider's job id
	Attempt     int
	RepoID      int64
	SHA         string
	Branch      string
	Name        string
	Step        string // failing step, when the provider says
	Conclusion  string // "failure", "success", "cancelled", …
	StartedAt   *time.Time
	CompletedAt *time.Time
	URL         string
	LogID       *int64
	LogState    LogState
	LogReason   string // why the log is unavailable
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// TestsRecorded is whether the failing tests its stored log names were recorded
	// (RecordJobTests); read-only, UpsertJob ignores it.
	TestsRecorded bool
}

// Log is a stored log's metadata; the content lives in a blob store under StorageKey.
type Log struct {
	ID         int64
	SHA256     string // hex sha256 of the raw bytes: the content address
	RawSize    int64
	Lines      int // normalised line count
	Truncated  bool
	StorageKey string
	// ScannedThrough is the scan watermark: every active pattern with an id up to it has been
	// scanned over this log.
	ScannedThrough int64
	CreatedAt      time.Time
	// ExpiredAt is when retention deleted the content (nil: kept); the row and its matches stay.
	ExpiredAt *time.Time
	// Revived is set by PutLog when the log had expired (its content deleted by retention) and
	// is live again: the caller must store the content again, as a prune may have deleted it
	// after the caller wrote it.
	Revived bool
	// Created is set by PutLog when this call stored the log (false: it already existed).
	Created bool
}

// Pattern is a pattern as stored: the pattern model plus its owner and life cycle.
type Pattern struct {
	patterns.Pattern
	// Scope says whose the pattern is (see PatternScope); AddPatterns derives it when empty:
	// repository when RepoID is set, account when Owner is, operator otherwise.
	Scope PatternScope
	// Owner is the GitHub account (lower-cased login) of an account or repository pattern.
	Owner string
	// RepoID is the repository of a repository pattern.
	RepoID    *int64
	Author    string
	CreatedAt time.Time
	UpdatedAt time.Time
	RetiredAt *time.Time
	RetiredBy string
	// RetireReason is why a user retired the pattern ("" when not given).
	RetireReason string
	ReplacedBy   *int64
}

// Active reports whether the pattern is still scanned for.
func (p *Pattern) Active() bool { return p.RetiredAt == nil }

// PatternAction is what AddPatterns did with one input pattern.
type PatternAction string

// AddPatterns outcomes. A pattern is identified by (name, source, repo scope).
const (
	PatternCreated   PatternAction = "created"   // new name+source
	PatternUnchanged PatternAction = "unchanged" // same expression, kind and metadata: id kept
	PatternUpdated   PatternAction = "updated"   // same expression and kind, other metadata updated in place: id kept
	PatternReplaced  PatternAction = "replaced"  // expression or kind changed: old retired, new id
	// PatternKeptRetired: the operator retired this (source, name) outright; merging it again
	// (a built-in pack sync, a re-import) does not bring it back. ID is the retired pattern's.
	PatternKeptRetired PatternAction = "kept-retired"
)

// PatternChange reports one input pattern's fate in AddPatterns.
type PatternChange struct {
	Name   string
	Action PatternAction
	ID     int64 // the id now holding the pattern
	OldID  int64 // the retired id, for PatternReplaced
}

// PatternFilter narrows Patterns; the zero value lists active patterns of every scope.
type PatternFilter struct {
	IncludeRetired bool
	Source         string // exact source, "" for any
	// ForRepo keeps the patterns that apply to this repository (store.PatternScope); 0: any.
	ForRepo int64
}

// PendingScan is one log with the active patterns it has not been scanned with yet.
type PendingScan struct {
	LogID      int64
	StorageKey string
	RawSize    int64
	// JobName is the name of a job owning the log, for job-scoped patterns (the
	// alphabetically first when identical content belongs to several jobs).
	JobName string
	// From is the log's current watermark, To the one recorded after scanning PatternIDs.
	From, To   int64
	PatternIDs []int64
}

// Match is a stored match.
type Match struct {
	ID    int64
	LogID int64
	patterns.Match
	CreatedAt time.Time
}

// MatchFilter narrows Matches; zero fields mean any.
type MatchFilter struct {
	PatternID int64
	LogID     int64
	// ForRepo keeps only matches of patterns that apply to this repository (store.PatternScope):
	// a log shared by several tenants carries matches of each tenant's patterns.
	ForRepo int64
	// Active keeps only matches of active patterns: a retired pattern (or the old version of an
	// edited one) no longer explains a failure, though its matches stay for history.
	Active bool
	Limit  int // 0: no limit
}

// Annotation is a known-broken range: failures of jobs matching JobGlob on commits in
// [FromSHA, ToSHA) are expected, until ToSHA is set by a fix.
type Annotation struct {
	ID        int64
	RepoID    int64
	JobGlob   string
	FromSHA   string
	ToSHA     *string // nil while open
	Reason    string
	CreatedBy string
	CreatedAt time.Time
	ClosedBy  string
	ClosedAt  *time.Time
}

// CheckRun is the check run totto posted on a commit.
type CheckRun struct {
	RepoID     int64
	SHA        string
	CheckRunID int64
	OutputHash string
	UpdatedAt  time.Time
}

// Delivery is a received webhook delivery.
type Delivery struct {
	ID         string // X-GitHub-Delivery
	Event      string
	ReceivedAt time.Time
}

// AuditEvent is one change to a pattern or an annotation, for accountability.
type AuditEvent struct {
	ID      int64
	Actor   string
	Action  string // "pattern.create", "pattern.retire", "annotation.open", …
	Subject string // "pattern:12", "annotation:3"
	Detail  string
	At      time.Time
}

// Stats are the stored counts `totto stats` prints.
type Stats struct {
	Jobs           int64 `json:"jobs"`
	Logs           int64 `json:"logs"`
	Patterns       int64 `json:"patterns"` // active
	Matches        int64 `json:"matches"`
	UnscannedPairs int64 `json:"unscanned_pairs"`
	// UnscannedLogs counts logs with at least one unscanned pair.
	UnscannedLogs int64 `json:"unscanned_logs"`
}

// ScanBacklog is how far the rescan is: Stats.Logs and Stats.UnscannedLogs.
type ScanBacklog struct {
	Logs          int64
	UnscannedLogs int64
}

// MigrationStatus is the schema version applied and the newest one this binary knows.
type MigrationStatus struct {
	Current int64
	Latest  int64
}
