package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v89/github"
	"github.com/riverqueue/river/rivertype"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/patterns"
)

func TestParseConfig(t *testing.T) {
	cases := []struct {
		name, yaml   string
		problem      string // substring of the error; "" for none
		patterns     int
		neverFlaky   []string
		ignore       []string
		builtin      bool
		neverFlakyNl bool // NeverFlaky left nil (triage default)
	}{
		{name: "empty", yaml: "", builtin: true, neverFlakyNl: true},
		{name: "all keys", yaml: "patterns:\n  - name: a\n    literal: x\n    tags: [flaky]\nnever_flaky: [\"lint*\"]\nignore: [\"docs\"]\nbuiltin: false\n",
			patterns: 1, neverFlaky: []string{"lint*"}, ignore: []string{"docs"}},
		{name: "no never-flaky globs", yaml: "never_flaky: []\n", builtin: true, neverFlaky: []string{}},
		{name: "yaml syntax", yaml: "patterns:\n  - name: [\n", problem: "totto.yml:"},
		{name: "bad regex", yaml: "patterns:\n  - name: a\n    regex: '('\n", problem: "totto.yml:3"},
		{name: "unknown key", yaml: "nevr_flaky: [x]\n", problem: "totto.yml:1: unknown key \"nevr_flaky\""},
		{name: "builtin not bool", yaml: "builtin: maybe\n", problem: "totto.yml:1: builtin must be true or false"},
		{name: "ignore not list", yaml: "ignore: 3\n", problem: "totto.yml:1: ignore must be a list"},
		{name: "not a mapping", yaml: "- a\n", problem: "must be a mapping"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := ParseConfig(".github/totto.yml", []byte(c.yaml))
			if c.problem != "" {
				if err == nil || !strings.Contains(err.Error(), c.problem) {
					t.Fatalf("error %v, want one containing %q", err, c.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.Patterns) != c.patterns || cfg.Builtin != c.builtin || fmt.Sprint(cfg.Ignore) != fmt.Sprint(c.ignore) {
				t.Errorf("got %d patterns, builtin %v, ignore %v", len(cfg.Patterns), cfg.Builtin, cfg.Ignore)
			}
			if (cfg.NeverFlaky == nil) != c.neverFlakyNl || !c.neverFlakyNl && fmt.Sprint(cfg.NeverFlaky) != fmt.Sprint(c.neverFlaky) {
				t.Errorf("never_flaky %#v, want %#v (nil: %v)", cfg.NeverFlaky, c.neverFlaky, c.neverFlakyNl)
			}
		})
	}
}

func TestParseConfigWarningsAreNotProblems(t *testing.T) {
	// A literal too short to prefilter is a warning: the file is not broken.
	_, err := ParseConfig("f.yml", []byte("patterns:\n  - name: a\n    regex: '.*'\n"))
	var ps patterns.Problems
	if errors.As(err, &ps) && len(ps.Errors()) != len(ps) {
		t.Errorf("warnings reported as problems: %v", err)
	}
}

func ghError(status int, header http.Header) error {
	resp := &http.Response{StatusCode: status, Header: header, Request: &http.Request{Method: "GET"}}
	return &github.ErrorResponse{Response: resp, Message: http.StatusText(status)}
}

func TestJobResult(t *testing.T) {
	reset := time.Now().Add(30 * time.Second)
	cases := []struct {
		name string
		err  error
		want string // "retry", "snooze", "cancel", "ok"
	}{
		{"nil", nil, "ok"},
		{"502", fmt.Errorf("getting job: %w", ghError(502, nil)), "retry"},
		{"timeout", &ciprovider.RetryError{Err: context.DeadlineExceeded}, "retry"},
		{"primary rate limit", fmt.Errorf("x: %w", &github.RateLimitError{Rate: github.Rate{Reset: github.Timestamp{Time: reset}}}), "snooze"},
		{"secondary rate limit", &github.AbuseRateLimitError{RetryAfter: github.Ptr(2 * time.Second)}, "snooze"},
		{"circleci 429", &ciprovider.RetryError{Err: errors.New("429"), After: 3 * time.Second}, "snooze"},
		{"422", ghError(422, nil), "cancel"},
		{"database", errors.New("database is locked"), "retry"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := jobResult(context.Background(), c.err)
			var snooze *rivertype.JobSnoozeError
			var cancel *rivertype.JobCancelError
			kind := "retry"
			switch {
			case got == nil:
				kind = "ok"
			case errors.As(got, &snooze):
				kind = "snooze"
				if snooze.Duration < minSnooze {
					t.Errorf("snooze %v shorter than %v", snooze.Duration, minSnooze)
				}
			case errors.As(got, &cancel):
				kind = "cancel"
			}
			if kind != c.want {
				t.Errorf("jobResult(%v) = %v (%s), want %s", c.err, got, kind, c.want)
			}
		})
	}
}

func TestDetailsURL(t *testing.T) {
	got := DetailsURL("https://totto.example.com/", ident.Repo{Owner: "octo", Name: "wid gets"}, "abc")
	if want := "https://totto.example.com/repos/octo/wid%20gets/commits/abc"; got != want {
		t.Errorf("DetailsURL = %q, want %q", got, want)
	}
}
