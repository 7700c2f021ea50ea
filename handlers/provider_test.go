package handlers

import (
	"testing"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/ident"

	"github.com/google/go-github/v89/github"
)

func TestCheckRunProvider(t *testing.T) {
	for slug, want := range map[string]ident.Provider{
		"github-actions":  ident.ProviderGitHubActions,
		"circleci-checks": ident.ProviderCircleCI,
		"buildkite":       ident.ProviderStatus,
		"":                ident.ProviderStatus,
	} {
		if got := checkRunProvider(slug); got != want {
			t.Errorf("checkRunProvider(%q) = %q, want %q", slug, got, want)
		}
	}
}

func TestStatusProvider(t *testing.T) {
	cases := []struct {
		context, target string
		want            ident.Provider
	}{
		{"ci/circleci: build", "https://circleci.com/gh/faustbrian/probot-test/16?utm_source=x", ident.ProviderCircleCI},
		{"ci/circleci: test", "https://app.circleci.com/pipelines/github/o/r/7/workflows/abc/jobs/42", ident.ProviderCircleCI},
		{"ci/circleci: build", "https://evil.example/gh/o/r/16", ident.ProviderStatus},           // not CircleCI's host
		{"ci/circleci: build", "https://circleci.com/gh/o/r/not-a-number", ident.ProviderStatus}, // no build to read
		{"ci/circleci: build", "", ident.ProviderStatus},
		{"continuous-integration/jenkins", "https://circleci.com/gh/o/r/16", ident.ProviderStatus},
		{"default", "", ident.ProviderStatus},
		// A CircleCI Server install is read only when it is the configured one.
		{"ci/circleci: build", "https://circle.corp.example:8443/gh/o/r/16", ident.ProviderStatus},
		// Path tricks are not build links.
		{"ci/circleci: build", "https://circleci.com/gh/o/../evil/r/16", ident.ProviderStatus},
	}
	for _, c := range cases {
		if got := statusProvider(ciprovider.CircleSite{}, c.context, c.target); got != c.want {
			t.Errorf("statusProvider(%q, %q) = %q, want %q", c.context, c.target, got, c.want)
		}
	}
}

func TestStatusProviderCircleCIServer(t *testing.T) {
	site := ciprovider.CircleSite{ServerAPI: "https://circle.corp.example:8443/api/v1.1"}
	for target, want := range map[string]ident.Provider{
		"https://circle.corp.example:8443/gh/o/r/16": ident.ProviderCircleCI,
		"https://circleci.com/gh/o/r/16":             ident.ProviderCircleCI,
		"https://circle.corp.example/gh/o/r/16":      ident.ProviderStatus, // another port is another server
		"https://circle.corp.example:9999/gh/o/r/16": ident.ProviderStatus,
	} {
		if got := statusProvider(site, "ci/circleci: build", target); got != want {
			t.Errorf("statusProvider(%q) = %q, want %q", target, got, want)
		}
	}
}

func TestStatusConclusion(t *testing.T) {
	for state, want := range map[string]string{
		"success": "success", "failure": "failure", "error": "failure", "pending": "", "": "",
	} {
		if got := statusConclusion(state); got != want {
			t.Errorf("statusConclusion(%q) = %q, want %q", state, got, want)
		}
	}
}

func TestStatusBranch(t *testing.T) {
	cases := []struct {
		branches []string
		def      string
		want     string
	}{
		{[]string{"feature", "main"}, "main", "main"},
		{[]string{"feature"}, "main", "feature"},
		{[]string{"a", "b"}, "main", ""},
		{nil, "main", ""},
		{[]string{""}, "", ""},
	}
	for _, c := range cases {
		if got := statusBranch(c.branches, c.def); got != c.want {
			t.Errorf("statusBranch(%q, %q) = %q, want %q", c.branches, c.def, got, c.want)
		}
	}
}

func TestWantsCommand(t *testing.T) {
	person := &github.User{Type: github.Ptr("User")}
	bot := &github.User{Type: github.Ptr("Bot")}
	cases := []struct {
		name   string
		action string
		author *github.User
		body   string
		want   bool
	}{
		{"command", "created", person, "/totto rescan", true},
		{"command after text", "created", person, "thanks\n/totto help", true},
		{"upper case", "created", person, "/TOTTO rescan", true},
		{"no command", "created", person, "LGTM", false},
		{"edited", "edited", person, "/totto rescan", false},
		{"deleted", "deleted", person, "/totto rescan", false},
		{"bot", "created", bot, "/totto rescan", false},
		{"no author", "created", nil, "/totto rescan", true},
	}
	for _, c := range cases {
		if got := wantsCommand(c.action, c.author, c.body); got != c.want {
			t.Errorf("%s: wantsCommand = %v, want %v", c.name, got, c.want)
		}
	}
}
