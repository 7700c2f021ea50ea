package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/internal/fakegithub"
)

func runWithEnv(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	code := runCLI(t.Context(), env, args)
	return code, out.String(), errb.String()
}

func TestBackfillCommand(t *testing.T) {
	gh := fakegithub.New(t)
	for r := int64(1); r <= 3; r++ {
		gh.AddRun(fakegithub.Run{ID: r, Owner: "octo", Repo: "widgets", HeadBranch: "main", Conclusion: "failure",
			CreatedAt: time.Now().Add(-time.Duration(r) * time.Hour)})
		gh.AddJob(fakegithub.Job{ID: 100 + r, RunID: r, Owner: "octo", Repo: "widgets", Name: "test", HeadBranch: "main",
			Conclusion: "failure", Log: fmt.Appendf(nil, "2026-11-20T09:14:02.0000000Z run %d\nError: exit status 1\n", r)})
		gh.AddJob(fakegithub.Job{ID: 200 + r, RunID: r, Owner: "octo", Repo: "widgets", Name: "build", HeadBranch: "main",
			Conclusion: "success", Log: []byte("ok\n")})
	}
	gh.AddJob(fakegithub.Job{ID: 103, RunID: 3, Owner: "octo", Repo: "widgets", Name: "test", HeadBranch: "main",
		Conclusion: "failure", LogStatus: 410})
	dir := t.TempDir()
	vars := map[string]string{"GITHUB_TOKEN": "ghp_test"}
	args := []string{"backfill", "octo/widgets", "--github-api-url", gh.URL + "/api/v3/", "--log-hosts", "127.0.0.1",
		"--database", "sqlite:" + filepath.Join(dir, "t.db"), "--sample-success", "1", "--cache-dir", filepath.Join(dir, "cache")}
	code, out, errOut := runWithEnv(t, vars, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	want := "octo/widgets: 3 runs, 6 jobs, 3 logs downloaded"
	if !strings.HasPrefix(out, want) || !strings.Contains(out, "1 unavailable, 0 failed") {
		t.Fatalf("stdout %q, want it to start with %q and count the expired log", out, want)
	}
	if !strings.Contains(errOut, "jobs 6") || !strings.Contains(errOut, "runs 3") {
		t.Fatalf("no progress line on stderr: %q", errOut)
	}
	code, out, _ = runWithEnv(t, vars, args...)
	// The second run lists nothing the first completely processed.
	if code != 0 || !strings.Contains(out, ": 0 runs, 0 jobs, 0 logs downloaded") {
		t.Fatalf("second run: exit %d, %q", code, out)
	}
}

func TestBackfillCommandUsage(t *testing.T) {
	cases := []struct {
		vars map[string]string
		args []string
		want string
	}{
		{nil, []string{"backfill"}, "OWNER/REPO"},
		{nil, []string{"backfill", "widgets"}, "OWNER/REPO"},
		{nil, []string{"backfill", "octo/widgets"}, "GITHUB_TOKEN"},
		{nil, []string{"backfill", "octo/widgets", "--provider", "actions"}, "GITHUB_TOKEN"},
		{nil, []string{"backfill", "octo/widgets", "--provider", "travis"}, "travis"},
		{map[string]string{"GITHUB_TOKEN": "x"}, []string{"backfill", "octo/widgets", "--since", "yesterday"}, "yesterday"},
		{map[string]string{"GITHUB_TOKEN": "x"}, []string{"backfill", "octo/widgets", "--since", "3d", "--limit", "2"}, "exclusive"},
		{map[string]string{"GITHUB_TOKEN": "x"}, []string{"backfill", "octo/widgets", "--concurrency", "0"}, "concurrency"},
	}
	for _, c := range cases {
		code, _, errOut := runWithEnv(t, c.vars, c.args...)
		if code != exitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want usage error naming %q", c.args, code, errOut, c.want)
		}
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "30d", want: now.AddDate(0, 0, -30)},
		{in: "2w", want: now.AddDate(0, 0, -14)},
		{in: "12h", want: now.Add(-12 * time.Hour)},
		{in: "2026-11-01", want: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
		{in: "0d", bad: true},
		{in: "d", bad: true},
		{in: "30m", bad: true},
		{in: "-3d", bad: true},
		{in: "2026-13-01", bad: true},
	}
	for _, c := range cases {
		got, err := parseSince(c.in, now)
		if c.bad != (err != nil) || !c.bad && !got.Equal(c.want) {
			t.Errorf("%q: got %v, %v; want %v (error %v)", c.in, got, err, c.want, c.bad)
		}
	}
}
