package pipeline_test

import (
	"strings"
	"testing"

	"github.com/riverqueue/river"

	"github.com/totto-ci/totto/internal/fakegithub"
	"github.com/totto-ci/totto/store"
)

// A job whose log download is not text (an archive) is not stored as a log and not retried: the
// job's log is unavailable with the reason naming the problem, and the commit still gets its
// check run. A gzip-compressed download is stored decompressed.
func TestBinaryLogDownloadIsRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		e := newEnv(t, b)
		zip := []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00" + strings.Repeat("\x00\x01", 64))
		e.gh.AddJob(fakegithub.Job{ID: 301, RunID: 900, Owner: owner, Repo: repo, Name: "package", HeadSHA: sha, HeadBranch: "feature",
			Conclusion: "failure", Log: zip, Steps: []fakegithub.Step{{Name: "Run", Number: 1, Conclusion: "failure"}}})
		args := e.ghaJob(101, "build (linux)", "failure", "compile_error.log")
		bin := args
		bin.JobID, bin.JobName = 301, "package"
		e.start()
		e.enqueue(bin)
		e.enqueue(args)
		e.drain()

		r, err := e.st.Repository(t.Context(), full)
		if err != nil {
			t.Fatal(err)
		}
		jobs, err := e.st.CommitJobs(t.Context(), r.ID, sha)
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for _, j := range jobs {
			switch j.Name {
			case "package":
				found++
				if j.LogState != store.LogUnavailable || j.LogID != nil || !strings.Contains(j.LogReason, "not a text log") {
					t.Errorf("binary log: state %s, log %v, reason %q; want unavailable, naming the problem", j.LogState, j.LogID, j.LogReason)
				}
			case "build (linux)":
				found++
				if j.LogState != store.LogStored {
					t.Errorf("text log: state %s, want stored", j.LogState)
				}
			}
		}
		if found != 2 {
			t.Fatalf("%d of the 2 jobs stored: %+v", found, jobs)
		}
		if cr := e.checkRun(); cr.Status != "completed" {
			t.Errorf("check run %s, want completed", cr.Status)
		}
		if n := e.eventCount(river.EventKindJobFailed, "process_job"); n != 0 {
			t.Errorf("%d failed attempts, want none (a binary log is refused, not retried)", n)
		}
	})
}
