package app

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/palantir/go-githubapp/githubapp"

	"github.com/totto-ci/totto/metrics"
)

// defaultGitHubAPI is github.com's REST API root.
const defaultGitHubAPI = "https://api.github.com/"

// githubURLs returns the REST (v3) and GraphQL (v4) roots for an api_url setting: github.com when
// empty, else a GitHub Enterprise Server whose REST root is https://HOST/api/v3/ and GraphQL root
// https://HOST/api/graphql.
func githubURLs(apiURL string) (v3, v4 string, err error) {
	if apiURL == "" {
		apiURL = defaultGitHubAPI
	}
	u, err := url.Parse(apiURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", "", fmt.Errorf("github.api_url %q: want an absolute URL such as https://github.example.com/api/v3/", apiURL)
	}
	g := *u
	if u.Host == "api.github.com" {
		g.Path = "/graphql"
	} else {
		g.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/api/v3") + "/api/graphql"
	}
	return strings.TrimRight(apiURL, "/") + "/", g.String(), nil
}

// newClientCreator builds the installation client factory: go-githubapp's caching creator
// (ghinstallation mints and refreshes installation tokens), counting every API call and the rate
// limit left into m.
func newClientCreator(cfg Config, privateKey []byte, m *metrics.Metrics) (githubapp.ClientCreator, error) {
	v3, v4, err := githubURLs(cfg.GitHub.APIURL)
	if err != nil {
		return nil, err
	}
	var c githubapp.Config
	c.V3APIURL, c.V4APIURL = v3, v4
	c.App.IntegrationID = cfg.GitHub.AppID
	c.App.PrivateKey = string(privateKey)
	c.App.WebhookSecret = cfg.GitHub.WebhookSecret
	cc, err := githubapp.NewDefaultCachingClientCreator(c,
		githubapp.WithClientUserAgent("totto"),
		githubapp.WithClientTimeout(30*time.Second),
		githubapp.WithClientMiddleware(githubMetrics(m), rateLimitGate, retryTransient),
	)
	if err != nil {
		return nil, fmt.Errorf("GitHub client creator: %w", err)
	}
	return cc, nil
}

// githubMetrics is client middleware counting GitHub API calls by status class and recording the
// rate limit remaining per rate-limit resource (core, graphql, search, …).
func githubMetrics(m *metrics.Metrics) githubapp.ClientMiddleware {
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripper(func(r *http.Request) (*http.Response, error) {
			res, err := next.RoundTrip(r)
			if err != nil {
				m.GitHubRequests.WithLabelValues("error").Inc()
				return res, err
			}
			m.GitHubRequests.WithLabelValues(strconv.Itoa(res.StatusCode/100) + "xx").Inc()
			if rem, perr := strconv.ParseFloat(res.Header.Get("X-RateLimit-Remaining"), 64); perr == nil {
				resource := res.Header.Get("X-RateLimit-Resource")
				if resource == "" {
					resource = "core"
				}
				m.GitHubRateRemaining.WithLabelValues(resource).Set(rem)
			}
			return res, nil
		})
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
