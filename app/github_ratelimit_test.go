package app

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v89/github"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/internal/fakegithub"
)

// Once GitHub says an installation's primary limit is spent, its other requests (API calls and
// log redirects alike) are not sent until the reset; they fail at once with the reset, which
// the pipeline snoozes jobs until.
func TestRateLimitGateHoldsRequestsUntilReset(t *testing.T) {
	s := fakegithub.New(t)
	s.AddJob(fakegithub.Job{ID: 5, Owner: "o", Repo: "r", Name: "build", Conclusion: "failure", Log: []byte("x\n")})
	reset := time.Now().Add(90 * time.Second).Truncate(time.Second)
	s.RateLimitNext(1, reset.Unix(), 0)
	c, err := github.NewClient(github.WithAuthToken("ghs_x"), github.WithEnterpriseURLs(s.URL+"/api/v3/", s.URL+"/api/uploads/"),
		github.WithHTTPClient(&http.Client{Transport: rateLimitGate(http.DefaultTransport)}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.WithValue(context.Background(), github.BypassRateLimitCheck, true) // go-github's own memory aside
	if _, _, err := c.Actions.GetWorkflowJobByID(ctx, "o", "r", 5); err == nil {
		t.Fatal("the limited request succeeded")
	}
	before := len(s.Requests())
	g := &ciprovider.GitHubActions{API: c, Logs: ciprovider.LogHTTPClient(ciprovider.HostList{"127.0.0.1"}, time.Second), Hosts: ciprovider.HostList{"127.0.0.1"}}
	_, err = g.OpenLog(ctx, "o", "r", 5)
	if until, ok := ciprovider.RateLimitUntil(err, time.Now()); !ok || !until.Equal(reset) {
		t.Fatalf("log during the limit: %v (until %v, %v), want the reset %v", err, until, ok, reset)
	}
	if ok, after := ciprovider.RetryAfter(err); !ok || after < 80*time.Second || !strings.Contains(err.Error(), "not sent") {
		t.Fatalf("RetryAfter = %v, %v for %v", after, ok, err)
	}
	if n := len(s.Requests()) - before; n != 0 {
		t.Fatalf("%d requests reached GitHub during the limit", n)
	}
}
