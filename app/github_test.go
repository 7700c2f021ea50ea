package app

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/totto-ci/totto/internal/fakegithub"
	"github.com/totto-ci/totto/metrics"
)

func TestGitHubURLs(t *testing.T) {
	cases := []struct {
		api, v3, v4 string
		bad         bool
	}{
		{"", "https://api.github.com/", "https://api.github.com/graphql", false},
		{"https://api.github.com", "https://api.github.com/", "https://api.github.com/graphql", false},
		{"https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3/", "https://ghe.example.com/api/graphql", false},
		{"https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3/", "https://ghe.example.com/api/graphql", false},
		{"ghe.example.com/api/v3", "", "", true},
		{"://x", "", "", true},
	}
	for _, c := range cases {
		v3, v4, err := githubURLs(c.api)
		if (err != nil) != c.bad || v3 != c.v3 || v4 != c.v4 {
			t.Errorf("githubURLs(%q) = %q, %q, %v; want %q, %q, bad=%v", c.api, v3, v4, err, c.v3, c.v4, c.bad)
		}
	}
}

// Clients from the App's creator reach a GitHub Enterprise-style API URL, and every call is
// counted with the rate limit left. (A token client: ghinstallation's token request sends a JSON
// null body, which GitHub accepts and the fake's OpenAPI validation does not.)
func TestGitHubClientAgainstFakeGitHub(t *testing.T) {
	gh := fakegithub.New(t)
	cfg := DefaultConfig()
	cfg.GitHub.AppID = testAppID
	cfg.GitHub.APIURL = gh.URL + "/api/v3/"
	m := metrics.New()
	cc, err := newClientCreator(cfg, nil, m)
	if err != nil {
		t.Fatal(err)
	}
	client, err := cc.NewTokenClient("ghs_sometoken")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, _, err := client.Checks.ListCheckRunsForRef(ctx, "o", "r", "0123456789abcdef0123456789abcdef01234567", nil); err != nil {
		t.Fatalf("list check runs on the fake: %v", err)
	}
	if reqs := gh.Requests(); len(reqs) != 1 || reqs[0].Path != "/api/v3/repos/o/r/commits/0123456789abcdef0123456789abcdef01234567/check-runs" {
		t.Fatalf("requests reaching the fake: %+v", reqs)
	}
	if v := testutil.ToFloat64(m.GitHubRequests.WithLabelValues("2xx")); v < 1 {
		t.Errorf("GitHub 2xx requests counted %v, want at least 1", v)
	}
	if v := testutil.ToFloat64(m.GitHubRateRemaining.WithLabelValues("core")); v != 4999 {
		t.Errorf("rate limit remaining %v, want 4999 from the fake's headers", v)
	}
}
