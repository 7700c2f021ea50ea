package fakegithub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-github/v89/github"
)

// recordingTB captures Errorf from the fake's cleanup so a test can assert a violation was caught.
type recordingTB struct {
	testing.TB
	errors []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestValidRequestsPass(t *testing.T) {
	s := New(t)
	c := s.Client()
	ctx := context.Background()
	cr, _, err := c.Checks.CreateCheckRun(ctx, "octo", "widgets", github.CreateCheckRunOptions{
		Name: "totto", HeadSHA: "0123456789abcdef0123456789abcdef01234567", Status: github.Ptr("in_progress"),
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	_, _, err = c.Checks.UpdateCheckRun(ctx, "octo", "widgets", cr.GetID(), github.UpdateCheckRunOptions{
		Name: "totto", Conclusion: github.Ptr("success"),
		Output: &github.CheckRunOutput{Title: github.Ptr("all explained"), Summary: github.Ptr("ok")},
	})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	runs := s.CheckRuns("octo", "widgets")
	if len(runs) != 1 || runs[0].Writes != 2 || runs[0].Conclusion != "success" || runs[0].Output.Title != "all explained" {
		t.Fatalf("unexpected state: %+v", runs)
	}
}

func TestInvalidRequestIsAViolation(t *testing.T) {
	rec := &recordingTB{TB: t}
	s := New(rec)
	c := s.Client()
	_, _, err := c.Checks.CreateCheckRun(context.Background(), "octo", "widgets", github.CreateCheckRunOptions{
		Name: "totto", HeadSHA: "abc", Conclusion: github.Ptr("bogus"),
	})
	if err == nil {
		t.Fatal("a check run with conclusion \"bogus\" must be rejected")
	}
	if v := s.Violations(); len(v) != 1 || !strings.Contains(v[0], "conclusion") {
		t.Fatalf("violations = %q, want one naming the conclusion", v)
	}
}

func TestJobLogRedirectWithoutAuthorization(t *testing.T) {
	s := New(t)
	s.AddJob(Job{ID: 77, RunID: 5, Owner: "octo", Repo: "widgets", Name: "test", HeadSHA: "abc", Conclusion: "failure", Log: []byte("boom\n")})
	c := s.Client()
	u, _, err := c.Actions.GetWorkflowJobLogs(context.Background(), "octo", "widgets", 77, 0)
	if err != nil {
		t.Fatalf("logs: %v", err)
	}
	resp, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "boom\n" {
		t.Fatalf("log = %q", b)
	}

	// Sending the token to the blob host is caught.
	rec := &recordingTB{TB: t}
	s2 := New(rec)
	s2.AddJob(Job{ID: 1, Owner: "o", Repo: "r", Log: []byte("x")})
	req, _ := http.NewRequest("GET", s2.URL+"/_blobs/job-logs/1", nil)
	req.Header.Set("Authorization", "token ghs_x")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(s2.Violations()) != 1 {
		t.Fatalf("want the leaked Authorization header reported, got %q", s2.Violations())
	}
}

func TestFaultInjection(t *testing.T) {
	s := New(t)
	s.AddJob(Job{ID: 9, Owner: "o", Repo: "r", Name: "build", Conclusion: "failure"})
	c := s.Client()
	ctx := context.Background()
	s.FailNext(2, http.StatusBadGateway, "")
	for i := 0; i < 2; i++ {
		if _, resp, err := c.Actions.GetWorkflowJobByID(ctx, "o", "r", 9); err == nil || resp.StatusCode != 502 {
			t.Fatalf("attempt %d: want 502, got %v", i, err)
		}
	}
	if _, _, err := c.Actions.GetWorkflowJobByID(ctx, "o", "r", 9); err != nil {
		t.Fatalf("after the faults: %v", err)
	}
	s.RateLimitNext(1, 1_900_000_000, 0)
	_, _, err := c.Actions.GetWorkflowJobByID(ctx, "o", "r", 9)
	var rle *github.RateLimitError
	if !errors.As(err, &rle) {
		t.Fatalf("want a primary rate-limit error, got %T %v", err, err)
	}
	s.RateLimitNext(1, 0, 30)
	c = s.Client() // go-github remembers an exhausted primary limit and would not even send the request
	_, _, err = c.Actions.GetWorkflowJobByID(ctx, "o", "r", 9)
	var sec *github.AbuseRateLimitError
	if !errors.As(err, &sec) || sec.RetryAfter == nil || sec.RetryAfter.Seconds() != 30 {
		t.Fatalf("want a secondary rate-limit error with Retry-After 30s, got %T %v", err, err)
	}
}

// ghinstallation asks for tokens with a literal JSON null body, which GitHub accepts.
func TestTokenRequestWithNullBody(t *testing.T) {
	s := New(t)
	req, _ := http.NewRequest("POST", s.URL+"/api/v3/app/installations/42/access_tokens", strings.NewReader("null"))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || s.TokenRequests() != 1 {
		t.Fatalf("status %d, tokens %d", resp.StatusCode, s.TokenRequests())
	}
}
