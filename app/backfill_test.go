package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v89/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/internal/fakegithub"
	"github.com/totto-ci/totto/internal/testdb"
	"github.com/totto-ci/totto/store"
)

// installationClients hands out the fake's client for every installation: the App's real creator
// mints installation tokens with a request the fake's OpenAPI validation refuses.
type installationClients struct {
	githubapp.ClientCreator
	gh *fakegithub.Server
}

func (c installationClients) NewInstallationClient(int64) (*github.Client, error) {
	return c.gh.Client(), nil
}

// One scheduled round against the fake GitHub stores the installed repository's recent default
// branch jobs (failed logs included), leaves out older runs, other branches, uninstalled and
// ingest-only repositories, and asks for the default branch once.
func TestScheduledBackfillRound(t *testing.T) {
	gh := fakegithub.New(t)
	gh.App().SetFile("octo", "widgets", ".github/totto.yml", []byte("patterns: []\n"))
	recent := time.Now().Add(-2 * time.Hour).UTC().Truncate(time.Second)
	runs := []struct {
		id      int64
		branch  string
		created time.Time
	}{
		{1, "main", recent},
		{2, "main", recent.Add(-30 * 24 * time.Hour)}, // older than backfill.since
		{3, "feature", recent},
	}
	for _, r := range runs {
		sha := fmt.Sprintf("%040x", r.id)
		gh.AddRun(fakegithub.Run{ID: r.id, Owner: "octo", Repo: "widgets", HeadBranch: r.branch, HeadSHA: sha,
			Conclusion: "failure", CreatedAt: r.created})
		gh.AddJob(fakegithub.Job{ID: r.id*10 + 1, RunID: r.id, Owner: "octo", Repo: "widgets", Name: "build", HeadSHA: sha,
			HeadBranch: r.branch, Conclusion: "success", Steps: []fakegithub.Step{{Name: "Build", Number: 1, Conclusion: "success"}},
			Log: []byte("compiling\nok\n")})
		gh.AddJob(fakegithub.Job{ID: r.id*10 + 2, RunID: r.id, Owner: "octo", Repo: "widgets", Name: "test", HeadSHA: sha,
			HeadBranch: r.branch, Conclusion: "failure", Steps: []fakegithub.Step{{Name: "Test", Number: 1, Conclusion: "failure"}},
			Log: []byte(fmt.Sprintf("run %d\nFAIL: TestWidget\nexit status 1\n", r.id))})
	}

	cfg := DefaultConfig()
	cfg.Database.URL = testdb.SQLiteURL(t)
	cfg.Logs.Storage = t.TempDir()
	cfg.Logs.Hosts = []string{strings.TrimPrefix(gh.URL, "http://")} // the fake's log redirects
	cfg.GitHub.AppID = testAppID
	cfg.GitHub.WebhookSecret = testSecret
	cfg.GitHub.APIURL = gh.URL + "/api/v3/"
	ctx := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel).WithContext(context.Background())
	a, err := New(ctx, cfg, Options{})
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	t.Cleanup(a.Close)
	if a.schedule == nil || a.schedule.Interval != 6*time.Hour || a.schedule.Base.Limit != 200 {
		t.Fatalf("scheduled backfill from the default config: %+v", a.schedule)
	}
	a.GitHub = installationClients{ClientCreator: a.GitHub, gh: gh}

	for _, in := range []store.Installation{{ID: 7, Account: "octo", Active: true}, {ID: 8, Account: "gone", Active: true}} {
		if err := a.Store.UpsertInstallation(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	seven, eight := int64(7), int64(8)
	for _, r := range []store.Repository{
		{FullName: "octo/widgets", InstallationID: &seven, Active: true},
		{FullName: "gone/app", InstallationID: &eight, Active: true},
		{FullName: "elsewhere/ingested", Active: true},
	} {
		if _, err := a.Store.UpsertRepository(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Store.DeactivateInstallation(ctx, 8); err != nil {
		t.Fatal(err)
	}

	res, err := a.schedule.Round(ctx)
	if err != nil {
		t.Fatalf("round: %v", err)
	}
	if len(res) != 1 {
		t.Fatalf("round covered %d repositories (%v), want octo/widgets only", len(res), res)
	}
	commits, ok := a.Store.(interface {
		CommitJobs(ctx context.Context, repoID int64, sha string) ([]store.Job, error)
	})
	if !ok {
		t.Fatal("store cannot list a commit's jobs")
	}
	repo, err := a.Store.Repository(ctx, "octo/widgets")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		jobs, err := commits.CommitJobs(ctx, repo.ID, fmt.Sprintf("%040x", r.id))
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		if r.id == 1 {
			want = 2
		}
		if len(jobs) != want {
			t.Fatalf("run %d (%s, %s): %d jobs stored, want %d", r.id, r.branch, r.created, len(jobs), want)
		}
		for _, j := range jobs {
			if j.Conclusion == "failure" && (j.LogState != store.LogStored || j.LogID == nil || j.Step != "Test") {
				t.Fatalf("failed job stored without its log: %+v", j)
			}
		}
	}

	if _, err := a.schedule.Round(ctx); err != nil {
		t.Fatalf("second round: %v", err)
	}
	repoGets := 0
	for _, r := range gh.Requests() {
		if r.Method == "GET" && strings.TrimSuffix(r.Path, "/") == "/api/v3/repos/octo/widgets" {
			repoGets++
		}
	}
	if repoGets != 1 {
		t.Errorf("default branch asked for %d times over two rounds, want 1 (cached)", repoGets)
	}
}

func TestBackfillConfig(t *testing.T) {
	c, err := LoadConfig("", true, env(map[string]string{
		"TOTTO_BACKFILL_INTERVAL": "90m",
		"TOTTO_BACKFILL_SINCE":    "3d",
		"TOTTO_BACKFILL_LIMIT":    "50",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if time.Duration(c.Backfill.Interval) != 90*time.Minute || time.Duration(c.Backfill.Since) != 72*time.Hour || c.Backfill.Limit != 50 {
		t.Errorf("backfill overrides not applied: %+v", c.Backfill)
	}
	if _, err := LoadConfig("", true, env(map[string]string{"TOTTO_BACKFILL_SINCE": "two weeks"})); err == nil ||
		!strings.Contains(err.Error(), "TOTTO_BACKFILL_SINCE") {
		t.Errorf("a bad span: %v, want an error naming the variable", err)
	}
	if (&App{}).newSchedule(func() Config { c := DefaultConfig(); c.GitHub.AppID = 1; c.Backfill.Interval = 0; return c }()) != nil {
		t.Error("interval 0 must turn the scheduled backfill off")
	}
}

func TestBackfillConfigFile(t *testing.T) {
	c, err := LoadConfig("../config.yml", false, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if time.Duration(c.Backfill.Interval) != 6*time.Hour || time.Duration(c.Backfill.Since) != 14*24*time.Hour || c.Backfill.Limit != 200 {
		t.Errorf("backfill section of config.yml: %+v", c.Backfill)
	}
	f := filepath.Join(t.TempDir(), "off.yml")
	if err := os.WriteFile(f, []byte("backfill:\n  interval: 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err = LoadConfig(f, false, env(nil)); err != nil || c.Backfill.Interval != 0 || c.Backfill.Limit != 200 {
		t.Errorf("interval 0 in a file: %+v, %v", c.Backfill, err)
	}
}

func TestSpan(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{"6h", 6 * time.Hour, false},
		{"14d", 14 * 24 * time.Hour, false},
		{"0", 0, false},
		{" 90m ", 90 * time.Minute, false},
		{"d", 0, true},
		{"-1d", 0, true},
		{"-5m", 0, true},
		{"soon", 0, true},
	}
	for _, c := range cases {
		var s Span
		err := s.UnmarshalText([]byte(c.in))
		if (err != nil) != c.bad || (!c.bad && time.Duration(s) != c.want) {
			t.Errorf("Span(%q) = %v, %v; want %v, bad=%v", c.in, time.Duration(s), err, c.want, c.bad)
		}
	}
}
