package pipeline_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/riverqueue/river"

	"github.com/totto-ci/totto/internal/fakecircleci"
	"github.com/totto-ci/totto/pipeline"
)

// circleRerunConfig opts in to re-runs; the repository's flaky pattern matches the real build
// 16's output (a Docker Hub pull), so a build with that output is flaky by pattern.
const circleRerunConfig = repoConfig + "rerun:\n  flaky: true\n  max_attempts: 2\n"

// newFailureOutput is a v1.1 step output with a failure no pattern calls flaky.
var newFailureOutput = []byte(`[{"message":"error: the schema migration 0042 does not apply\r\n","time":"2026-11-20T09:14:05Z","type":"out"}]`)

// circleWorld is a pipeline with CircleCI reachable with token ("" for none).
func circleWorld(t *testing.T, b backend, token string) *env {
	e := newEnv(t, b)
	e.deps.CircleCI.Token = token
	e.app.SetFile(owner, repo, ".github/totto.yml", []byte(circleRerunConfig))
	e.start()
	return e
}

// circleJob serves the real build 16 as build num of job name in workflow wf on commit c, with
// the flaky output, newFailureOutput, or (conclusion "success") as a passing build.
func (e *env) circleJob(c string, num int, name, wf, conclusion string, flaky bool) pipeline.ProcessJobArgs {
	e.t.Helper()
	var b map[string]any
	if err := json.Unmarshal(corpusFile(e.t, "api", "circleci", "fixtures", "gitauto", "build_16.json"), &b); err != nil {
		e.t.Fatal(err)
	}
	b["vcs_revision"], b["build_num"] = c, num
	w := b["workflows"].(map[string]any)
	w["workflow_id"], w["workspace_id"], w["job_name"] = wf, wf, name
	if conclusion == "success" {
		b["status"], b["outcome"] = "success", "success"
		b["steps"] = []any{}
	}
	build, _ := json.Marshal(b)
	out := corpusFile(e.t, "api", "circleci", "fixtures", "gitauto", "log_entries.json")
	if !flaky {
		out = newFailureOutput
	}
	outputs := map[string][]byte{}
	for _, u := range failedOutputURLs(e.t, build) {
		outputs[u] = out
	}
	e.circle.AddBuild(e.t, "github", owner, repo, num, build, outputs)
	return pipeline.ProcessJobArgs{InstallationID: installation, Repo: full, SHA: c, Provider: "circleci",
		JobName: "ci/circleci: " + name, TargetURL: fmt.Sprintf("https://circleci.com/gh/%s/%d", full, num), Conclusion: conclusion}
}

func wfUUID(n int) string { return fmt.Sprintf("95f4abd1-5220-4946-af38-%012d", n) }

func jobUUID(n int) string { return fmt.Sprintf("56cfc8a4-8f3b-4d98-9aaf-%012d", n) }

// circleWorkflow tells the fake CircleCI's API v2 about a finished workflow and its jobs.
func (e *env) circleWorkflow(wf int, status string, jobs ...fakecircleci.WorkflowJob) {
	for i := range jobs {
		jobs[i].ID = jobUUID(jobs[i].Number)
	}
	e.circle.AddWorkflow(fakecircleci.Workflow{ID: wfUUID(wf), Name: "test-and-deploy", Project: "gh/" + full, Status: status, Jobs: jobs})
}

// rerunPosts counts the re-run requests CircleCI received for a workflow, accepted or not.
func (e *env) rerunPosts(wf int) int {
	n := 0
	for _, r := range e.circle.Requests() {
		if r.Method == http.MethodPost && r.URL.Path == "/api/v2/workflow/"+wfUUID(wf)+"/rerun" {
			n++
		}
	}
	return n
}

// A flaky CircleCI job is re-run through its workflow's "rerun from failed" exactly once, even
// when its status is delivered again, and the check run follows the new attempt; a workflow
// with a new failure beside the flaky one is not re-run, and the check run says why, while one
// with two flaky failures is re-run once for both; a job whose builds on the commit reached
// max_attempts is not re-run again; a token CircleCI refuses leaves a note, no failed work and
// no second request.
func TestCircleCIAutomaticRerun(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		e := circleWorld(t, b, "personal-token")
		const stress = "Stress Tests (Intentional Failure)"

		c1 := commitSHA(31)
		e.circleWorkflow(1, "failed", fakecircleci.WorkflowJob{Number: 101, Name: stress, Status: "failed"},
			fakecircleci.WorkflowJob{Number: 102, Name: "lint", Status: "success"})
		first := e.circleJob(c1, 101, stress, wfUUID(1), "failure", true)
		e.enqueue(first)
		e.enqueue(e.circleJob(c1, 102, "lint", wfUUID(1), "success", false))
		e.drain()
		if got := e.circle.Reruns(); len(got) != 1 || got[0] != (fakecircleci.Rerun{WorkflowID: wfUUID(1), FromFailed: true}) {
			t.Fatalf("re-runs %+v, want workflow 1 from failed", got)
		}
		cr := e.checkRunOf(c1)
		if cr.Conclusion != "success" || !strings.Contains(cr.Output.Summary, "re\\-ran attempt 1 automatically → attempt 2 requested") {
			t.Errorf("after the re-run request: %s\n%s", cr.Conclusion, cr.Output.Summary)
		}
		calls := len(e.circle.Requests())
		e.enqueue(first) // a redelivery
		e.drain()
		if n := e.rerunPosts(1); n != 1 {
			t.Errorf("%d re-run requests after a redelivery, want 1", n)
		}
		for _, r := range e.circle.Requests()[calls:] {
			if strings.HasPrefix(r.URL.Path, "/api/v2/") {
				t.Errorf("a decided re-run asked CircleCI again: %s %s", r.Method, r.URL.Path)
			}
		}
		// The re-run workflow's build of the job passes.
		e.circleWorkflow(2, "success", fakecircleci.WorkflowJob{Number: 103, Name: stress, Status: "success"})
		e.enqueue(e.circleJob(c1, 103, stress, wfUUID(2), "success", false))
		e.drain()
		if cr = e.checkRunOf(c1); !strings.Contains(cr.Output.Summary, "attempt 2 passed") {
			t.Errorf("after attempt 2 passed:\n%s", cr.Output.Summary)
		}

		// A new failure in the same workflow: "rerun from failed" would re-run it too.
		c2 := commitSHA(32)
		e.circleWorkflow(3, "failed", fakecircleci.WorkflowJob{Number: 201, Name: stress, Status: "failed"},
			fakecircleci.WorkflowJob{Number: 202, Name: "migrate", Status: "failed"})
		e.enqueue(e.circleJob(c2, 201, stress, wfUUID(3), "failure", true))
		e.enqueue(e.circleJob(c2, 202, "migrate", wfUUID(3), "failure", false))
		e.drain()
		if n := e.rerunPosts(3); n != 0 {
			t.Errorf("a workflow with a new failure was re-run %d times", n)
		}
		if cr = e.checkRunOf(c2); !strings.Contains(cr.Output.Summary, "every failed job of workflow") {
			t.Errorf("no note on the workflow not re-run:\n%s", cr.Output.Summary)
		}

		// max_attempts 2: the re-run workflow's build fails again and is not re-run a third time.
		c3 := commitSHA(33)
		e.circleWorkflow(4, "failed", fakecircleci.WorkflowJob{Number: 301, Name: stress, Status: "failed"})
		e.enqueue(e.circleJob(c3, 301, stress, wfUUID(4), "failure", true))
		e.drain()
		e.circleWorkflow(5, "failed", fakecircleci.WorkflowJob{Number: 302, Name: stress, Status: "failed"})
		e.enqueue(e.circleJob(c3, 302, stress, wfUUID(5), "failure", true))
		e.drain()
		if a, b := e.rerunPosts(4), e.rerunPosts(5); a != 1 || b != 0 {
			t.Errorf("re-runs of attempts 1 and 2: %d, %d; want 1, 0 (max_attempts 2)", a, b)
		}
		if cr = e.checkRunOf(c3); !strings.Contains(cr.Output.Summary, "attempt 2 failed") {
			t.Errorf("after attempt 2 failed:\n%s", cr.Output.Summary)
		}

		// Two flaky failures in one workflow: one request re-runs both, and both say so.
		c5 := commitSHA(35)
		e.circleWorkflow(8, "failed", fakecircleci.WorkflowJob{Number: 601, Name: stress, Status: "failed"},
			fakecircleci.WorkflowJob{Number: 602, Name: "stress-2", Status: "failed"})
		e.enqueue(e.circleJob(c5, 601, stress, wfUUID(8), "failure", true))
		e.enqueue(e.circleJob(c5, 602, "stress-2", wfUUID(8), "failure", true))
		e.drain()
		if n := e.rerunPosts(8); n != 1 {
			t.Errorf("%d re-run requests for a workflow with two flaky failures, want 1", n)
		}
		if cr = e.checkRunOf(c5); strings.Count(cr.Output.Summary, "re\\-ran attempt 1 automatically → attempt 2 requested") != 2 {
			t.Errorf("both re-run jobs should say so:\n%s", cr.Output.Summary)
		}

		// A token CircleCI refuses: a note, nothing retried, no failed work.
		e.circle.RefuseReruns(http.StatusForbidden)
		c4 := commitSHA(34)
		e.circleWorkflow(6, "failed", fakecircleci.WorkflowJob{Number: 401, Name: stress, Status: "failed"})
		refused := e.circleJob(c4, 401, stress, wfUUID(6), "failure", true)
		e.enqueue(refused)
		e.drain()
		e.enqueue(refused)
		e.drain()
		cr = e.checkRunOf(c4)
		if cr.Conclusion != "success" || !strings.Contains(cr.Output.Summary, "CircleCI refused the token \\(HTTP 403") {
			t.Errorf("refused re-run: %s\n%s", cr.Conclusion, cr.Output.Summary)
		}
		if n := e.rerunPosts(6); n != 1 {
			t.Errorf("%d re-run requests for a refused token, want 1", n)
		}
		if n := e.eventCount(river.EventKindJobFailed, "triage_commit"); n != 0 {
			t.Errorf("%d failed triage jobs", n)
		}
	})
}

// Without a CircleCI token a flaky CircleCI job is not re-run, the check run says what to
// configure, and API v2 is never called.
func TestCircleCIRerunWithoutToken(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		e := circleWorld(t, b, "")
		c := commitSHA(41)
		e.circleWorkflow(7, "failed", fakecircleci.WorkflowJob{Number: 501, Name: "stress", Status: "failed"})
		e.enqueue(e.circleJob(c, 501, "stress", wfUUID(7), "failure", true))
		e.drain()
		cr := e.checkRunOf(c)
		if cr.Conclusion != "success" || !strings.Contains(cr.Output.Summary, "no CircleCI token is configured") {
			t.Errorf("without a token: %s\n%s", cr.Conclusion, cr.Output.Summary)
		}
		for _, r := range e.circle.Requests() {
			if strings.HasPrefix(r.URL.Path, "/api/v2/") {
				t.Errorf("API v2 called without a token: %s %s", r.Method, r.URL.Path)
			}
		}
	})
}
