package ciprovider

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/internal/fakegithub"
)

// loopbackOf lets tests fetch log blobs from the fake serving baseURL (host and port).
func loopbackOf(baseURL string) HostList {
	u, _ := url.Parse(baseURL)
	return HostList{u.Host}
}

func newActions(t *testing.T) (*fakegithub.Server, *GitHubActions) {
	s := fakegithub.New(t)
	hosts := loopbackOf(s.URL)
	return s, &GitHubActions{API: s.Client(), Logs: LogHTTPClient(hosts, 10*time.Second), Hosts: hosts}
}

func TestActionsJobAndLog(t *testing.T) {
	s, g := newActions(t)
	s.AddJob(fakegithub.Job{ID: 501, RunID: 9, RunAttempt: 2, Owner: "octo", Repo: "widgets", Name: "test (3.12)",
		HeadSHA: "c0ffee", HeadBranch: "feature", Conclusion: "failure",
		Steps: []fakegithub.Step{{Name: "Set up job", Number: 1, Conclusion: "success"}, {Name: "Run pytest", Number: 2, Conclusion: "failure"}},
		Log:   []byte("2026-11-20T09:14:02.0000000Z boom\n")})
	ctx := context.Background()
	j, err := g.Job(ctx, "octo", "widgets", 501)
	if err != nil {
		t.Fatal(err)
	}
	if j.Name != "test (3.12)" || j.Attempt != 2 || j.SHA != "c0ffee" || j.Conclusion != "failure" || j.ExternalID != "501" ||
		len(j.Steps) != 2 || !j.Steps[1].Failed || j.Steps[0].Failed || j.Provider != ident.ProviderGitHubActions {
		t.Fatalf("job = %+v", j)
	}
	rc, err := g.OpenLog(ctx, "octo", "widgets", 501)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "2026-11-20T09:14:02.0000000Z boom\n" {
		t.Fatalf("log = %q", b)
	}
	for _, r := range s.Requests() {
		if r.Path == "/_blobs/job-logs/501" && r.Authorization != "" {
			t.Fatal("the token was sent to the log host")
		}
	}
}

func TestActionsExpiredLogIsUnavailable(t *testing.T) {
	for _, code := range []int{http.StatusNotFound, http.StatusGone} {
		s, g := newActions(t)
		s.AddJob(fakegithub.Job{ID: 7, Owner: "o", Repo: "r", Name: "build", Conclusion: "failure", LogStatus: code})
		_, err := g.OpenLog(context.Background(), "o", "r", 7)
		if !IsUnavailable(err) {
			t.Fatalf("HTTP %d: want UnavailableError, got %v", code, err)
		}
		if retry, _ := RetryAfter(err); retry {
			t.Fatalf("HTTP %d: an expired log must not be retried", code)
		}
	}
	_, g := newActions(t)
	if _, err := g.Job(context.Background(), "o", "r", 404404); !IsUnavailable(err) {
		t.Fatalf("unknown job: want UnavailableError, got %v", err)
	}
}

func TestActionsLogHostNotAllowed(t *testing.T) {
	s := fakegithub.New(t)
	s.AddJob(fakegithub.Job{ID: 3, Owner: "o", Repo: "r", Log: []byte("x")})
	g := &GitHubActions{API: s.Client(), Logs: LogHTTPClient(DefaultLogHosts, time.Second), Hosts: DefaultLogHosts}
	_, err := g.OpenLog(context.Background(), "o", "r", 3)
	if !errors.Is(err, ErrHostNotAllowed) {
		t.Fatalf("want ErrHostNotAllowed for a redirect to 127.0.0.1, got %v", err)
	}
	// The message names the host and the settings that allow one.
	for _, want := range []string{"127.0.0.1", "--log-hosts", "logs.hosts"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not name %q", err, want)
		}
	}
	if retry, _ := RetryAfter(err); retry {
		t.Fatal("a forbidden host must not be retried")
	}
}

func TestActionsRetryClassification(t *testing.T) {
	s, g := newActions(t)
	s.AddJob(fakegithub.Job{ID: 5, Owner: "o", Repo: "r", Name: "build", Conclusion: "failure"})
	ctx := context.Background()

	s.FailNext(1, http.StatusBadGateway, "")
	_, err := g.Job(ctx, "o", "r", 5)
	if retry, _ := RetryAfter(err); !retry {
		t.Fatalf("502 must be retryable: %v", err)
	}

	s.RateLimitNext(1, 0, 42)
	_, err = g.Job(ctx, "o", "r", 5)
	retry, after := RetryAfter(err)
	if !retry || after != 42*time.Second {
		t.Fatalf("secondary rate limit: retry=%v after=%v err=%v", retry, after, err)
	}

	// go-github refuses to send while it remembers a limit; a new client stands for a later request.
	g.API = s.Client()
	reset := time.Now().Add(90 * time.Second).Unix()
	s.RateLimitNext(1, reset, 0)
	_, err = g.Job(ctx, "o", "r", 5)
	retry, after = RetryAfter(err)
	if !retry || after < 60*time.Second || after > 91*time.Second {
		t.Fatalf("primary rate limit: retry=%v after=%v err=%v", retry, after, err)
	}
}

func TestHostList(t *testing.T) {
	h := HostList{"*.blob.core.windows.net", "circleci.com"}
	cases := map[string]bool{
		"https://pipelines.blob.core.windows.net/x": true,
		"https://blob.core.windows.net/x":           false,
		"https://evilblob.core.windows.net/x":       false,
		"https://circleci.com/a":                    true,
		"https://circleci.com.evil.example/a":       false,
		"http://CircleCI.com/a":                     true,
		"file:///etc/passwd":                        false,
		"https://169.254.169.254/latest/meta-data/": false,
	}
	for raw, want := range cases {
		u, _ := url.Parse(raw)
		if got := h.Allows(u); got != want {
			t.Errorf("%s: got %v want %v", raw, got, want)
		}
	}
}
