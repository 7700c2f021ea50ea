package ciprovider

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/totto-ci/totto/internal/fakecircleci"
)

const wfID = "95f4abd1-5220-4946-af38-a27354085788"

func circleWorkflowWorld(t *testing.T) (*fakecircleci.Server, *CircleCI) {
	f, c := newCircle(t)
	c.Token = "personal-token"
	f.AddWorkflow(fakecircleci.Workflow{ID: wfID, Name: "test-and-deploy", Project: "gh/octo/widgets", Status: "failed",
		Jobs: []fakecircleci.WorkflowJob{
			{ID: "56cfc8a4-8f3b-4d98-9aaf-5a475e69ca05", Number: 16, Name: "stress", Status: "failed"},
			{ID: "56cfc8a4-8f3b-4d98-9aaf-5a475e69ca06", Number: 17, Name: "lint", Status: "success"},
			{ID: "56cfc8a4-8f3b-4d98-9aaf-5a475e69ca07", Number: 18, Name: "deploy", Status: "blocked"},
		}})
	return f, c
}

// The workflow, its jobs and a from-failed re-run go through API v2 with the token, in the
// shapes CircleCI's description gives (the fake fails the test otherwise).
func TestCircleRerunFromFailed(t *testing.T) {
	f, c := circleWorkflowWorld(t)
	ctx := context.Background()
	w, err := c.Workflow(ctx, wfID)
	if err != nil || w.Status != "failed" || w.ID != wfID {
		t.Fatalf("workflow %+v, %v", w, err)
	}
	jobs, err := c.WorkflowJobs(ctx, wfID)
	if err != nil || len(jobs) != 3 {
		t.Fatalf("jobs %+v, %v", jobs, err)
	}
	if !jobs[0].Failed() || jobs[0].Number != 16 || jobs[1].Failed() || jobs[2].Failed() {
		t.Errorf("failed jobs misread: %+v", jobs)
	}
	id, err := c.RerunFromFailed(ctx, wfID)
	if err != nil || id == "" {
		t.Fatalf("rerun: %q, %v", id, err)
	}
	if got := f.Reruns(); len(got) != 1 || got[0] != (fakecircleci.Rerun{WorkflowID: wfID, FromFailed: true}) {
		t.Errorf("re-runs %+v, want one from failed", got)
	}
	for _, r := range f.Requests() {
		if r.Header.Get("Circle-Token") != "personal-token" {
			t.Errorf("%s %s without the token", r.Method, r.URL.Path)
		}
	}
}

// A workflow's job list is read across pages.
func TestCircleWorkflowJobsPaged(t *testing.T) {
	f, c := circleWorkflowWorld(t)
	f.PageJobs(1)
	jobs, err := c.WorkflowJobs(context.Background(), wfID)
	if err != nil || len(jobs) != 3 || jobs[2].Name != "deploy" {
		t.Fatalf("jobs %+v, %v; want all 3 across pages", jobs, err)
	}
	pages := 0
	for _, r := range f.Requests() {
		if r.URL.Path == "/api/v2/workflow/"+wfID+"/job" {
			pages++
		}
	}
	if pages != 3 {
		t.Errorf("%d pages read, want 3", pages)
	}
}

// A token CircleCI refuses (401, 403, 404) is a RerunRefusedError with CircleCI's message, never
// a retry; a 5xx or 429 is retried; no token at all never reaches CircleCI.
func TestCircleRerunRefused(t *testing.T) {
	ctx := context.Background()
	for _, code := range []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound} {
		f, c := circleWorkflowWorld(t)
		f.RefuseReruns(code)
		_, err := c.RerunFromFailed(ctx, wfID)
		var re *RerunRefusedError
		if !errors.As(err, &re) || re.Status != code || re.Message == "" {
			t.Errorf("HTTP %d: %v, want a refusal with CircleCI's message", code, err)
		}
		if retry, _ := RetryAfter(err); retry {
			t.Errorf("HTTP %d is retried", code)
		}
	}
	f, c := circleWorkflowWorld(t)
	f.Answer("/api/v2/workflow/"+wfID+"/rerun", http.StatusBadGateway)
	if _, err := c.RerunFromFailed(ctx, wfID); IsRerunRefused(err) || !isRetry(err) {
		t.Errorf("HTTP 502: %v, want a retry", err)
	}
	c.Token = ""
	before := len(f.Requests())
	if _, err := c.RerunFromFailed(ctx, wfID); !IsRerunRefused(err) {
		t.Errorf("without a token: %v, want a refusal", err)
	}
	if len(f.Requests()) != before {
		t.Error("a request was sent without a token")
	}
}

func isRetry(err error) bool {
	retry, _ := RetryAfter(err)
	return retry
}

// API v2's root is derived from the configured v1.1 root; another shape is an error, not a guess.
func TestCircleV2Root(t *testing.T) {
	for base, want := range map[string]string{
		"https://circleci.com/api/v1.1":         "https://circleci.com/api/v2",
		"https://circle.corp.example/api/v1.1/": "https://circle.corp.example/api/v2",
		"https://circle.corp.example/api":       "",
	} {
		got, err := (&CircleCI{BaseURL: base}).v2Root()
		if got != want || (want == "") != errors.Is(err, ErrNoV2Root) {
			t.Errorf("%s: %q, %v; want %q", base, got, err, want)
		}
	}
}

// A stored CircleCI job id reads back as the build it names; anything else is refused.
func TestCircleExternalID(t *testing.T) {
	tg, ok := ParseCircleExternalID("github/octo/widgets/16")
	if !ok || tg.ExternalID() != "github/octo/widgets/16" || tg.BuildNum != 16 {
		t.Errorf("round trip: %+v %v", tg, ok)
	}
	for _, bad := range []string{"", "build@sha", "github/octo/widgets/0", "github/octo/widgets/x", "github/../widgets/3", "github/octo/widgets/3/4"} {
		if _, ok := ParseCircleExternalID(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}
