package pipeline

import (
	"context"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/likelycause"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
)

// Store is the part of the store the workers use: repositories and their jobs, logs and
// matches, the patterns (built-in and configured), annotations, check runs and PR comments, and
// the evidence triage weighs (rerun outcomes, pattern precision, test history, likely causes).
type Store interface {
	ingest.PatternAdder
	ingest.LogStore
	likelycause.Store
	likelycause.Keeper
	scan.Store
	store.AnnotationExpirer
	store.CauseLineCache
	store.CommitLookup
	store.PRComments
	store.PrecisionQuerier
	store.Reruns
	store.TestHistory
	store.VerdictKeeper
	store.DemotionWatch

	Repository(ctx context.Context, fullName string) (store.Repository, error)
	UpsertRepository(ctx context.Context, r store.Repository) (store.Repository, error)
	UpsertJob(ctx context.Context, j store.Job) (store.Job, error)
	Job(ctx context.Context, id int64) (store.Job, error)
	CommitJobs(ctx context.Context, repoID int64, sha string) ([]store.Job, error)
	Matches(ctx context.Context, f store.MatchFilter) ([]store.Match, error)
	Pattern(ctx context.Context, id int64) (store.Pattern, error)
	RetirePattern(ctx context.Context, id int64, actor string) error
	UnmatchedFailures(ctx context.Context, repoID int64, page store.Page) ([]store.Job, store.Cursor, error)

	OpenAnnotation(ctx context.Context, a store.Annotation) (store.Annotation, error)
	CloseAnnotation(ctx context.Context, repoID int64, jobGlob, toSHA, actor string) (int, error)
	Annotations(ctx context.Context, repoID int64, openOnly bool) ([]store.Annotation, error)
	AnnotationsCovering(ctx context.Context, repoID int64, jobName, sha string) ([]store.Annotation, error)

	CheckRun(ctx context.Context, repoID int64, sha string) (store.CheckRun, error)
	PutCheckRun(ctx context.Context, c store.CheckRun) error
	RecentCheckRuns(ctx context.Context, repoID int64, limit int) ([]store.CheckRun, error)
}

var _ Store = store.Store(nil)
