package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

// RunTestHistory checks store.TestHistory on a small known history; open must return a fresh,
// empty, migrated store that implements it.
func RunTestHistory(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := t.Context()
	st := open(t)
	var h store.TestHistory = st
	repo := must(st.UpsertRepository(ctx, store.Repository{FullName: "acme/app", Active: true}))
	other := must(st.UpsertRepository(ctx, store.Repository{FullName: "acme/other", Active: true}))
	day := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	n := 0
	job := func(r store.Repository, sha, name string, attempt int, conclusion string) store.Job {
		n++
		return must(st.UpsertJob(ctx, store.Job{Provider: "github-actions", ExternalID: fmt.Sprint(n), Attempt: attempt,
			RepoID: r.ID, SHA: sha, Name: name, Conclusion: conclusion}))
	}
	flaky := store.TestKey{Runner: "pytest", File: "tests/test_net.py", Name: "test_timeout"}
	broken := store.TestKey{Runner: "go", File: "example.com/p", Name: "TestParse/empty"}
	record := func(j store.Job, pr int, def bool, at time.Time, tests ...store.JobTest) {
		t.Helper()
		c := store.JobTestsContext{JobID: j.ID, RepoID: j.RepoID, SHA: j.SHA, JobName: j.Name, PullRequest: pr, DefaultBranch: def, At: at}
		if err := h.RecordJobTests(ctx, c, tests); err != nil {
			t.Fatal(err)
		}
	}
	fail := func(k store.TestKey, line int) store.JobTest {
		return store.JobTest{TestKey: k, Line: line, Text: "boom " + k.Name}
	}

	// flaky: fails on commit a (PR 1), passes on attempt 2; fails on b (PR 2), passes on
	// attempt 2; fails on c (PR 2) with the runner's own retry passing it; fails on d and stays
	// failed. broken: fails on main at m and on PR 3's commit e.
	a1 := job(repo, "a", "test", 1, "failure")
	job(repo, "a", "test", 2, "success")
	b1 := job(repo, "b", "test", 1, "failure")
	job(repo, "b", "test", 2, "success")
	c1 := job(repo, "c", "test", 1, "failure")
	d1 := job(repo, "d", "test", 1, "failure")
	d2 := job(repo, "d", "test", 2, "failure")
	m1 := job(repo, "m", "build", 1, "failure")
	e1 := job(repo, "e", "build", 1, "failure")
	record(a1, 1, false, day, fail(flaky, 10))
	record(b1, 2, false, day.Add(time.Hour), fail(flaky, 11), fail(flaky, 99)) // a duplicate is kept once
	record(c1, 2, false, day.Add(2*time.Hour), store.JobTest{TestKey: flaky, Line: 12, Text: "boom", PassedInLog: true})
	record(d1, 0, false, day.Add(3*time.Hour), fail(flaky, 13))
	record(d2, 0, false, day.Add(4*time.Hour), fail(flaky, 13))
	record(m1, 0, true, day.Add(-48*time.Hour), fail(broken, 5))
	record(e1, 3, false, day.Add(5*time.Hour), fail(broken, 7), fail(flaky, 3))
	// Recording a job again replaces its tests: e1 no longer lists flaky.
	record(e1, 3, false, day.Add(5*time.Hour), fail(broken, 7))
	// Another repository's history never counts.
	o1 := job(other, "a", "test", 1, "failure")
	record(o1, 1, false, day, fail(flaky, 1))

	got, err := h.TestStats(ctx, repo.ID, []store.TestKey{flaky, broken, {Runner: "pytest", File: "x.py", Name: "test_timeout"}}, day.Add(-72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	wantFlaky := store.TestStats{Failures: 5, Commits: 4, PullRequests: 2, FlipCommits: 3, FirstSeen: day, LastSeen: day.Add(4 * time.Hour)}
	if got[flaky] != wantFlaky {
		t.Errorf("flaky test: %+v\nwant %+v", got[flaky], wantFlaky)
	}
	wantBroken := store.TestStats{Failures: 2, Commits: 2, PullRequests: 1, DefaultBranchFailures: 1, FirstSeen: day.Add(-48 * time.Hour), LastSeen: day.Add(5 * time.Hour)}
	if got[broken] != wantBroken {
		t.Errorf("broken test: %+v\nwant %+v", got[broken], wantBroken)
	}
	if len(got) != 2 {
		t.Errorf("%d tests with history, want 2 (same name in another file has none): %v", len(got), got)
	}
	// The window excludes older failures.
	recent, err := h.TestStats(ctx, repo.ID, []store.TestKey{broken}, day)
	if err != nil {
		t.Fatal(err)
	}
	if recent[broken].Failures != 1 || recent[broken].DefaultBranchFailures != 0 {
		t.Errorf("windowed: %+v", recent[broken])
	}
	// The failing tests of a job at a commit (the merge base question).
	at, err := h.FailingTests(ctx, repo.ID, "m", "build")
	if err != nil {
		t.Fatal(err)
	}
	if len(at) != 1 || at[0].TestKey != broken || at[0].Line != 5 {
		t.Errorf("failing tests of build at m: %+v", at)
	}
	if none, err := h.FailingTests(ctx, repo.ID, "m", "test"); err != nil || len(none) != 0 {
		t.Errorf("another job at m: %v, %v", none, err)
	}
	// An unknown job is an error naming it, and nothing is stored.
	err = h.RecordJobTests(ctx, store.JobTestsContext{JobID: 1 << 40, RepoID: repo.ID, SHA: "z", JobName: "x", At: day}, []store.JobTest{fail(flaky, 1)})
	if err == nil {
		t.Error("recording tests of an unknown job succeeded")
	}
	// One job's tests.
	if jt, err := h.JobTests(ctx, c1.ID); err != nil || len(jt) != 1 || jt[0].TestKey != flaky || !jt[0].PassedInLog || jt[0].Line != 12 {
		t.Errorf("tests of job c1: %+v, %v", jt, err)
	}
	if jt, err := h.JobTests(ctx, e1.ID); err != nil || len(jt) != 1 || jt[0].TestKey != broken {
		t.Errorf("tests of job e1 after it was recorded again: %+v, %v", jt, err)
	}
	// The repository's tests, flakiest first; one test's failures, newest first.
	list, err := h.RepoTests(ctx, repo.ID, day.Add(-72*time.Hour), 10)
	if err != nil || len(list) != 2 || list[0].TestKey != flaky || list[0].TestStats != wantFlaky || list[1].TestKey != broken {
		t.Errorf("tests of the repository: %+v, %v", list, err)
	}
	if top, err := h.RepoTests(ctx, repo.ID, day.Add(-72*time.Hour), 1); err != nil || len(top) != 1 {
		t.Errorf("limit 1: %+v, %v", top, err)
	}
	// New failing tests: flaky first failed at day, broken two days before, so from a day
	// before only flaky is new; from three days before both are, the newest first failure first.
	if nt, err := h.NewTests(ctx, repo.ID, day.Add(-24*time.Hour), 10); err != nil || len(nt) != 1 || nt[0].TestKey != flaky || nt[0].TestStats != wantFlaky {
		t.Errorf("new tests since the day before: %+v, %v", nt, err)
	}
	if nt, err := h.NewTests(ctx, repo.ID, day.Add(-72*time.Hour), 10); err != nil || len(nt) != 2 || nt[0].TestKey != flaky || nt[1].TestKey != broken {
		t.Errorf("new tests since three days before: %+v, %v", nt, err)
	}
	if nt, err := h.NewTests(ctx, repo.ID, day.Add(-72*time.Hour), 1); err != nil || len(nt) != 1 {
		t.Errorf("new tests, limit 1: %+v, %v", nt, err)
	}
	fails, err := h.TestFailures(ctx, repo.ID, flaky, 3)
	if err != nil || len(fails) != 3 {
		t.Fatalf("failures of the flaky test: %+v, %v", fails, err)
	}
	if f := fails[0]; f.JobID != d2.ID || f.SHA != "d" || f.Line != 13 || !f.At.Equal(day.Add(4*time.Hour)) || fails[2].JobID != c1.ID || !fails[2].PassedInLog || fails[2].PullRequest != 2 {
		t.Errorf("failures of the flaky test: %+v", fails)
	}
	if bf, err := h.TestFailures(ctx, repo.ID, broken, 10); err != nil || len(bf) != 2 || !bf[1].DefaultBranch {
		t.Errorf("failures of the broken test: %+v, %v", bf, err)
	}
	// Many names at once (more than one lookup batch).
	var many []store.TestKey
	for i := range 450 {
		many = append(many, store.TestKey{Runner: "go", File: "p", Name: fmt.Sprintf("Test%d", i)})
	}
	record(m1, 0, true, day, append([]store.JobTest{fail(broken, 5)}, func() (ts []store.JobTest) {
		for _, k := range many {
			ts = append(ts, fail(k, 1))
		}
		return
	}()...)...)
	lots, err := h.TestStats(ctx, repo.ID, many, day.Add(-time.Hour))
	if err != nil || len(lots) != len(many) {
		t.Fatalf("%d of %d tests found (%v)", len(lots), len(many), err)
	}
	runJobsWithoutTests(t, st, job)
}

// runJobsWithoutTests: failed jobs with a stored log wait for their tests to be recorded until
// RecordJobTests runs for them, even with no test to record.
func runJobsWithoutTests(t *testing.T, st store.Store, job func(store.Repository, string, string, int, string) store.Job) {
	ctx := t.Context()
	repo := must(st.UpsertRepository(ctx, store.Repository{FullName: "acme/unrecorded", Active: true}))
	l := must(st.PutLog(ctx, store.Log{SHA256: fmt.Sprintf("%064x", 0x7e57), RawSize: 10, Lines: 1, StorageKey: "unrecorded"}))
	withLog := func(j store.Job) store.Job {
		if err := st.SetJobLog(ctx, j.ID, &l.ID, store.LogStored, ""); err != nil {
			t.Fatal(err)
		}
		return j
	}
	failed := withLog(job(repo, "u", "test", 1, "failure"))
	timedOut := withLog(job(repo, "u", "lint", 1, "timed_out"))
	withLog(job(repo, "u", "build", 1, "success"))
	job(repo, "u", "docs", 1, "failure") // no log
	ids := func(after int64, limit int) []int64 {
		t.Helper()
		js, err := st.JobsWithoutTests(ctx, after, limit)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, j := range js {
			if j.RepoID == repo.ID {
				out = append(out, j.ID)
			}
		}
		return out
	}
	if got := ids(0, 100); fmt.Sprint(got) != fmt.Sprint([]int64{failed.ID, timedOut.ID}) {
		t.Errorf("jobs without tests: %v, want [%d %d] (failed, with a stored log)", got, failed.ID, timedOut.ID)
	}
	if got := ids(failed.ID, 1); fmt.Sprint(got) != fmt.Sprint([]int64{timedOut.ID}) {
		t.Errorf("after %d, limit 1: %v, want [%d]", failed.ID, got, timedOut.ID)
	}
	if err := st.RecordJobTests(ctx, store.JobTestsContext{JobID: failed.ID, RepoID: repo.ID, SHA: "u", JobName: "test", At: time.Now()}, nil); err != nil {
		t.Fatal(err)
	}
	if got := ids(0, 100); fmt.Sprint(got) != fmt.Sprint([]int64{timedOut.ID}) {
		t.Errorf("after recording no test for job %d: %v, want [%d]", failed.ID, got, timedOut.ID)
	}
	// A job read back says whether its tests were recorded (triage then uses the recorded ones).
	recorded := map[int64]bool{}
	for _, j := range must(st.CommitJobs(ctx, repo.ID, "u")) {
		recorded[j.ID] = j.TestsRecorded
	}
	if !recorded[failed.ID] || recorded[timedOut.ID] {
		t.Errorf("tests recorded by job: %v, want %d only", recorded, failed.ID)
	}
	if j := must(st.Job(ctx, failed.ID)); !j.TestsRecorded {
		t.Errorf("job %d read alone: tests not recorded", failed.ID)
	}
}
