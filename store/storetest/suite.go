// Package storetest is the one conformance suite every store.Store implementation passes, so the
// SQLite and Postgres stores cannot drift apart.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

// Run runs the conformance suite; open must return a fresh, empty, migrated store (closed by the
// caller's cleanup).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Migrated", testMigrated},
		{"Installations", testInstallations},
		{"JobsIdempotent", testJobsIdempotent},
		{"JobLogState", testJobLogState},
		{"LogsContentAddressed", testLogsContentAddressed},
		{"AddPatterns", testAddPatterns},
		{"RetirePattern", testRetirePattern},
		{"IncrementalScan", testIncrementalScan},
		{"RepoScopedPattern", testRepoScopedPattern},
		{"RecordScanRace", testRecordScanRace},
		{"UnknownPattern", testUnknownPattern},
		{"InvalidUTF8Text", testInvalidUTF8Text},
		{"Annotations", testAnnotations},
		{"CheckRuns", testCheckRuns},
		{"Deliveries", testDeliveries},
		{"ConcurrentWriters", testConcurrentWriters},
		{"CommitJobs", testCommitJobs},
		{"RecentCheckRuns", testRecentCheckRuns},
		{"BranchCommits", testBranchCommits},
		{"ResolveCommit", testResolveCommit},
		{"InstalledRepositories", testInstalledRepositories},
		{"RepositoryVisibility", testRepositoryVisibility},
		{"PatternTenancy", testPatternTenancy},
		{"PatternScopeRules", testPatternScopeRules},
		{"OperatorRetirementSticks", testOperatorRetirementSticks},
		{"MultiLinePatterns", testMultiLinePatterns},
		{"RetireReason", testRetireReason},
		{"Screens", testScreens},
		{"TrialLogs", testTrialLogs},
		{"Demotions", testDemotions},
		{"BackfillMark", testBackfillMark},
		{"SuccessSample", testSuccessSample},
		{"FailureHistories", testFailureHistories},
		{"Verdicts", testVerdicts},
		{"UnexplainedFailures", testUnexplainedFailures},
	}
	for _, tc := range tests {
		subtest(t, tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

func ctx(t *testing.T) context.Context { return t.Context() }

// failure carries an unexpected error out of must to the subtest's recover.
type failure struct{ err error }

// subtest runs one conformance case in parallel, turning an error raised by must into t.Fatal.
func subtest(t *testing.T, name string, fn func(t *testing.T)) {
	t.Run(name, func(t *testing.T) {
		t.Parallel()
		defer func() {
			if r := recover(); r != nil {
				f, ok := r.(failure)
				if !ok {
					panic(r)
				}
				t.Fatalf("unexpected error: %v", f.err)
			}
		}()
		fn(t)
	})
}

// must returns v, or ends the subtest when err is not nil (via a panic that Run's subtests turn
// into t.Fatal; never call it from another goroutine).
func must[T any](v T, err error) T {
	if err != nil {
		panic(failure{err})
	}
	return v
}

func repo(t *testing.T, s store.Store, name string) store.Repository {
	t.Helper()
	return must(s.UpsertRepository(ctx(t), store.Repository{FullName: name, Active: true}))
}

func hash(content string) string {
	h := sha256.Sum256([]byte(content))
	return hex.EncodeToString(h[:])
}

func putLog(t *testing.T, s store.Store, content string) store.Log {
	t.Helper()
	return must(s.PutLog(ctx(t), store.Log{SHA256: hash(content), RawSize: int64(len(content)), Lines: 1, StorageKey: hash(content)}))
}

func job(t *testing.T, s store.Store, r store.Repository, ext, name string, logID *int64) store.Job {
	t.Helper()
	return must(s.UpsertJob(ctx(t), store.Job{Provider: "ingest", ExternalID: ext, RepoID: r.ID, SHA: "abc", Name: name,
		Conclusion: "failure", LogID: logID}))
}

func pattern(name, expr string, tags ...string) store.Pattern {
	return store.Pattern{Pattern: patterns.Pattern{Name: name, Kind: patterns.Literal, Expr: expr, Tags: tags, Source: "test"}}
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}

func testMigrated(t *testing.T, s store.Store) {
	st := must(s.MigrationStatus(ctx(t)))
	if st.Current == 0 || st.Current != st.Latest {
		t.Fatalf("migration status %+v: want current == latest > 0", st)
	}
	stats := must(s.Stats(ctx(t)))
	if stats != (store.Stats{}) {
		t.Fatalf("fresh store stats = %+v", stats)
	}
}
