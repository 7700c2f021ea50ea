package fakegithub

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v89/github"
)

// The primary limit behaves as GitHub documents: every answer carries the budget; once spent,
// 403 with remaining 0 and the reset (epoch seconds) and no Retry-After, until the window ends
// and the budget refills.
func TestPrimaryLimitWindow(t *testing.T) {
	s := New(t)
	s.AddJob(Job{ID: 1, Owner: "o", Repo: "r", Name: "build", Conclusion: "failure"})
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 9, 0, 0, 500e6, time.UTC)
	s.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	s.SetPrimaryLimit(2, time.Hour, http.StatusForbidden)
	get := func() *http.Response {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/v3/repos/o/r/actions/jobs/1", nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if r := get(); r.StatusCode != 200 || r.Header.Get("X-RateLimit-Remaining") != "1" {
		t.Fatalf("first: %d remaining %s", r.StatusCode, r.Header.Get("X-RateLimit-Remaining"))
	}
	get()
	r := get()
	reset := now.Add(time.Hour).Truncate(time.Second).Add(time.Second).Unix()
	if r.StatusCode != 403 || r.Header.Get("X-RateLimit-Remaining") != "0" || r.Header.Get("Retry-After") != "" ||
		r.Header.Get("X-RateLimit-Reset") != strconv.FormatInt(reset, 10) {
		t.Fatalf("spent: %d %v", r.StatusCode, r.Header)
	}
	// go-github recognises it as the primary limit.
	c := s.Client()
	_, _, err := c.Actions.GetWorkflowJobByID(context.Background(), "o", "r", 1)
	var rle *github.RateLimitError
	if !errors.As(err, &rle) || rle.Rate.Reset.Unix() != reset {
		t.Fatalf("go-github: %T %v", err, err)
	}
	mu.Lock()
	now = time.Unix(reset, 0)
	mu.Unlock()
	if r := get(); r.StatusCode != 200 || s.LimitRefusals() != 2 {
		t.Fatalf("after the reset: %d, %d refusals", r.StatusCode, s.LimitRefusals())
	}
}

// A cut body: the connection closes before Content-Length bytes, which the client sees as an
// unexpected EOF.
func TestCutBodies(t *testing.T) {
	s := New(t)
	s.AddJob(Job{ID: 2, Owner: "o", Repo: "r", Name: "build", Conclusion: "failure", Log: []byte("0123456789\n")})
	s.SetTraffic(Traffic{CutBodies: 1})
	res, err := http.Get(s.URL + "/_blobs/job-logs/2")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) || len(body) != 5 {
		t.Fatalf("read %q, %v; want half and an unexpected EOF", body, err)
	}
}

// A filtered listing returns at most 1,000 runs while total_count counts them all; created takes
// GitHub's date ranges.
func TestRunListingCapAndCreatedRanges(t *testing.T) {
	s := New(t)
	base := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= 1200; i++ {
		s.AddRun(Run{ID: int64(i), Owner: "o", Repo: "r", HeadBranch: "main", Conclusion: "success", CreatedAt: base.Add(time.Duration(i) * time.Minute)})
	}
	c := s.Client()
	ctx := context.Background()
	count := func(created string) (int, int) {
		opts := &github.ListWorkflowRunsOptions{Branch: "main", Created: created, ListOptions: github.ListOptions{PerPage: 100}}
		n, total := 0, 0
		for {
			page, resp, err := c.Actions.ListRepositoryWorkflowRuns(ctx, "o", "r", opts)
			if err != nil {
				t.Fatal(err)
			}
			n += len(page.WorkflowRuns)
			total = page.GetTotalCount()
			if resp.NextPage == 0 {
				return n, total
			}
			opts.Page = resp.NextPage
		}
	}
	if n, total := count(""); n != 1000 || total != 1200 {
		t.Fatalf("branch only: %d of %d", n, total)
	}
	// 00:01 to 00:10 inclusive: ten runs.
	if n, total := count("2026-06-01T00:01:00Z..2026-06-01T00:10:00Z"); n != 10 || total != 10 {
		t.Fatalf("date-time range: %d of %d", n, total)
	}
	if n, _ := count("*..2026-06-01T00:10:00Z"); n != 10 {
		t.Fatalf("open range: %d", n)
	}
	if n, _ := count("2026-06-01"); n != 1000 { // all 1,200 are on 1 June: capped
		t.Fatalf("one day: %d", n)
	}
}
