package scan_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
)

// goFailure is a go test log with one failing subtest.
const goFailure = "=== RUN   TestParse\n=== RUN   TestParse/empty\n    parse_test.go:12: want error, got nil\n" +
	"--- FAIL: TestParse (0.00s)\n    --- FAIL: TestParse/empty (0.00s)\nFAIL\nFAIL\texample.com/p\t0.01s\n"

// RecordTests files a failed job's failing tests (asking where only when there are some), and
// RecordMissingTests does it once for every failed job stored without them.
func TestRecordTests(t *testing.T) {
	eachBackend(t, func(t *testing.T, st store.Store, _ string) {
		ctx := t.Context()
		blobs := tempBlobs(t)
		r := testRepo(t, st)
		at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		job := func(ext, conclusion, content string) store.Job {
			t.Helper()
			l, err := ingest.StoreLog(ctx, st, blobs, strings.NewReader(content), 0)
			if err != nil {
				t.Fatal(err)
			}
			j, err := st.UpsertJob(ctx, store.Job{Provider: "ingest", ExternalID: ext, RepoID: r.ID, SHA: "s" + ext, Branch: "main",
				Name: "unit", Conclusion: conclusion, CompletedAt: &at, LogID: &l.ID, LogState: store.LogStored})
			if err != nil {
				t.Fatal(err)
			}
			return j
		}
		failed := job("1", "failure", goFailure)
		asked := 0
		where := func(context.Context) scan.TestsWhere {
			asked++
			return scan.TestsWhere{PullRequest: 7, DefaultBranch: true}
		}
		res, err := scan.RecordTests(ctx, st, blobs, failed, time.Now(), where)
		if err != nil || len(res.Tests) != 1 || asked != 1 {
			t.Fatalf("recorded %+v, %v (where asked %d times)", res.Tests, err, asked)
		}
		key := store.TestKey{Runner: "go", File: "example.com/p", Name: "TestParse/empty"}
		fs, err := st.TestFailures(ctx, r.ID, key, 10)
		if err != nil || len(fs) != 1 || fs[0].JobID != failed.ID || fs[0].PullRequest != 7 || !fs[0].DefaultBranch || !fs[0].At.Equal(at) || fs[0].Line != 5 {
			t.Fatalf("history of %v: %+v, %v", key, fs, err)
		}
		// No failing test: where is not asked; a job that passed records nothing.
		clean := job("2", "failure", "compiling\nerror: linker failed\n")
		if res, err := scan.RecordTests(ctx, st, blobs, clean, time.Now(), where); err != nil || len(res.Tests) != 0 || asked != 1 {
			t.Errorf("a log without tests: %+v, %v, asked %d", res, err, asked)
		}
		passed := job("3", "success", goFailure)
		if _, err := scan.RecordTests(ctx, st, blobs, passed, time.Now(), where); err != nil {
			t.Fatal(err)
		}
		if ts, _ := st.JobTests(ctx, passed.ID); len(ts) != 0 {
			t.Errorf("a job that passed has tests recorded: %+v", ts)
		}

		// Jobs stored without their tests (as an older release did) get them from
		// RecordMissingTests, once.
		old := job("4", "failure", goFailure+"\n")
		m, err := scan.RecordMissingTests(ctx, st, blobs, time.Now())
		if err != nil || m.Jobs != 1 || len(m.Failures) != 0 {
			t.Fatalf("missing tests: %+v, %v; want job %d only", m, err, old.ID)
		}
		if ts, _ := st.JobTests(ctx, old.ID); len(ts) != 1 || ts[0].TestKey != key {
			t.Errorf("tests of the old job: %+v", ts)
		}
		if m, err := scan.RecordMissingTests(ctx, st, blobs, time.Now()); err != nil || m.Jobs != 0 {
			t.Errorf("second pass: %+v, %v; want nothing left", m, err)
		}
		// A job whose log content is gone is reported and left for the next run.
		lost := job("5", "failure", goFailure+"\n\n")
		l, err := st.Log(ctx, *lost.LogID)
		if err != nil {
			t.Fatal(err)
		}
		if err := blobs.Delete(ctx, l.StorageKey); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if m, err := scan.RecordMissingTests(ctx, st, blobs, time.Now()); err != nil || m.Jobs != 0 || len(m.Failures) != 1 {
				t.Errorf("unreadable log: %+v, %v; want one failure, every run", m, err)
			}
		}
	})
}
