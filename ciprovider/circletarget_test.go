package ciprovider

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/totto-ci/totto/ident"
)

func TestCircleSiteParse(t *testing.T) {
	cloud := CircleSite{}
	server := CircleSite{ServerAPI: "https://circle.corp.example:8443/api/v1.1"}
	cases := []struct {
		site CircleSite
		in   string
		want CircleTarget
		bad  bool
	}{
		{site: cloud, in: "https://circleci.com/gh/faustbrian/probot-test/16?utm_campaign=vcs-integration-link&utm_medium=referral", want: CircleTarget{"github", ident.Repo{Owner: "faustbrian", Name: "probot-test"}, 16}},
		{site: cloud, in: "https://app.circleci.com/pipelines/github/octo/widgets/812/workflows/2a91e516-9bf8-49aa-a650-c401781d15f8/jobs/4301", want: CircleTarget{"github", ident.Repo{Owner: "octo", Name: "widgets"}, 4301}},
		{site: cloud, in: "https://circleci.com/bb/team/repo/3", want: CircleTarget{"bitbucket", ident.Repo{Owner: "team", Name: "repo"}, 3}},
		{site: cloud, in: "https://circleci.com/gh/octo/widgets/16/", want: CircleTarget{"github", ident.Repo{Owner: "octo", Name: "widgets"}, 16}},
		{site: server, in: "https://circle.corp.example:8443/gh/octo/widgets/7", want: CircleTarget{"github", ident.Repo{Owner: "octo", Name: "widgets"}, 7}},
		{site: server, in: "https://circleci.com/gh/octo/widgets/7", want: CircleTarget{"github", ident.Repo{Owner: "octo", Name: "widgets"}, 7}},
		{site: cloud, in: "https://circleci.com/gh/octo/widgets", bad: true},
		{site: cloud, in: "https://circleci.com/gh/octo/widgets/abc", bad: true},
		{site: cloud, in: "https://circleci.com/gh/octo/widgets/0", bad: true},
		{site: cloud, in: "https://circleci.com/gh/octo/widgets/+16", bad: true},
		{site: cloud, in: "https://circleci.com/gh/octo/widgets/99999999999", bad: true},
		{site: cloud, in: "https://example.com/whatever", bad: true},
		{site: cloud, in: "::", bad: true},
		// Path tricks that could make the API URL name another project.
		{site: cloud, in: "https://circleci.com/gh/octo/../victim/secret/16", bad: true},
		{site: cloud, in: "https://circleci.com/gh/octo/widgets/..%2F..%2Fvictim%2Fsecret%2F16", bad: true},
		{site: cloud, in: "https://circleci.com/gh/octo/%2e%2e/16", bad: true},
		{site: cloud, in: "https://circleci.com/gh/octo//widgets/16", bad: true},
		{site: cloud, in: "https://circleci.com/gh/oc%74o/widgets/16", bad: true},
		{site: cloud, in: `https://circleci.com/gh/octo\widgets/x/16`, bad: true},
		{site: cloud, in: "https://circleci.com/gh/octo/wid;gets/16", bad: true},
		{site: cloud, in: "https://circleci.com/gh/octo/wid gets/16", bad: true},
		{site: cloud, in: "https://user:pw@circleci.com/gh/octo/widgets/16", bad: true},
		{site: cloud, in: "https://circleci.com.evil.example/gh/octo/widgets/16", bad: true},
		{site: cloud, in: "https://circleci.com:8443/gh/octo/widgets/16", bad: true},
		{site: cloud, in: "ftp://circleci.com/gh/octo/widgets/16", bad: true},
		{site: cloud, in: "https://circle.corp.example:8443/gh/octo/widgets/7", bad: true},
		{site: server, in: "https://circle.corp.example/gh/octo/widgets/7", bad: true},
	}
	for _, c := range cases {
		got, err := c.site.Parse(c.in)
		if c.bad {
			if err == nil {
				t.Errorf("%s: want an error, got %+v", c.in, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: got %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

func TestCircleSiteForRepo(t *testing.T) {
	var site CircleSite
	if _, err := site.ForRepo("https://circleci.com/gh/Octo/Widgets/16", ident.Repo{Owner: "octo", Name: "widgets"}); err != nil {
		t.Errorf("same project, other case: %v", err)
	}
	for _, target := range []string{
		"https://circleci.com/gh/victim/secret/16",
		"https://circleci.com/gh/octo/widgets-private/16",
		"https://circleci.com/bb/octo/widgets/16",
	} {
		if _, err := site.ForRepo(target, ident.Repo{Owner: "octo", Name: "widgets"}); !errors.Is(err, ErrForeignTarget) {
			t.Errorf("%s: err %v, want ErrForeignTarget", target, err)
		}
	}
}

func TestCircleBuildCheck(t *testing.T) {
	b := CircleBuild{BuildNum: 16, Username: "octo", Reponame: "widgets", VCSRevision: "abc123"}
	if err := b.CheckBuild(ident.Repo{Owner: "Octo", Name: "widgets"}, "ABC123"); err != nil {
		t.Errorf("matching build: %v", err)
	}
	octo, victim := ident.Repo{Owner: "octo", Name: "widgets"}, ident.Repo{Owner: "victim", Name: "secret"}
	for _, c := range []struct {
		repo ident.Repo
		sha  string
	}{{octo, "def456"}, {victim, "abc123"}, {octo, ""}} {
		if err := b.CheckBuild(c.repo, c.sha); !errors.Is(err, ErrForeignTarget) {
			t.Errorf("%+v: err %v, want ErrForeignTarget", c, err)
		}
	}
}

// A CircleCI API answer redirecting to another host (or another port of the same host) is not
// followed, so the token goes nowhere else, and is a permanent "log unavailable" rather than a
// failure retried forever.
func TestCircleBuildCrossHostRedirect(t *testing.T) {
	var leaked atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Circle-Token") != "" {
			leaked.Add(1)
		}
		_, _ = w.Write([]byte(`{"build_num": 16}`))
	}))
	t.Cleanup(other.Close)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(api.Close)
	c := &CircleCI{BaseURL: api.URL + "/api/v1.1", Token: "operator-token", API: &http.Client{Timeout: 5 * time.Second}}
	_, err := c.Build(t.Context(), CircleTarget{VCS: "github", Project: ident.Repo{Owner: "octo", Name: "widgets"}, BuildNum: 16})
	if !IsUnavailable(err) || !strings.Contains(err.Error(), "redirect") {
		t.Fatalf("Build after a cross-host redirect: %v, want a permanent unavailable error", err)
	}
	if retry, _ := RetryAfter(err); retry {
		t.Error("a cross-host redirect is retried")
	}
	if n := leaked.Load(); n != 0 {
		t.Fatalf("the token reached the other host %d times", n)
	}
}

func TestHostListMatchesPorts(t *testing.T) {
	h := HostList{"localhost", "logs.example:8443", "*.blob.example"}
	for raw, want := range map[string]bool{
		"http://localhost/x":              true,
		"http://localhost:80/x":           true,
		"https://localhost/x":             true,
		"http://localhost:6379/x":         false,
		"http://localhost:8080/x":         false,
		"https://logs.example:8443/x":     true,
		"https://logs.example/x":          false,
		"https://a.blob.example/x":        true,
		"https://a.blob.example:9000/x":   false,
		"http://[::1]:6379/x":             false,
		"https://logs.example:8443@evil/": false,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.Allows(u); got != want {
			t.Errorf("Allows(%s) = %v, want %v", raw, got, want)
		}
	}
}
