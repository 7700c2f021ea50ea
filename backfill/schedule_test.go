package backfill

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/totto-ci/totto/internal/fakegithub"
)

func TestScheduleRound(t *testing.T) {
	e := newEnv(t)
	failed, _ := e.history(3, 100)
	e.gh.AddRun(fakegithub.Run{ID: 500, Owner: "octo", Repo: "gadgets", HeadBranch: "trunk", Conclusion: "failure"})
	e.gh.AddJob(fakegithub.Job{ID: 50001, RunID: 500, Owner: "octo", Repo: "gadgets", Name: "lint", HeadBranch: "trunk",
		Conclusion: "failure", Log: []byte("lint: 3 problems\n")})
	base := e.opts()
	base.FailedOnly = true
	base.Limit = 10
	s := &Schedule{Base: base, Targets: func(context.Context) ([]Target, error) {
		return []Target{{Repo: "octo/widgets", Branch: "main", Actions: base.Actions},
			{Repo: "octo/gadgets", Branch: "trunk", Actions: base.Actions},
			{Repo: "not-a-repo", Branch: "main", Actions: base.Actions}}, nil
	}}
	res, err := s.Round(context.Background())
	if err == nil {
		t.Fatal("a bad repository must be reported")
	}
	if res["octo/widgets"].Downloaded != failed || res["octo/gadgets"].Downloaded != 1 {
		t.Fatalf("round: %+v", res)
	}
	// The next round lists only runs created since: their jobs are not listed again.
	e.gh.AddRun(fakegithub.Run{ID: 501, Owner: "octo", Repo: "gadgets", HeadBranch: "trunk", Conclusion: "failure", CreatedAt: time.Now()})
	e.gh.AddJob(fakegithub.Job{ID: 50101, RunID: 501, Owner: "octo", Repo: "gadgets", Name: "lint", HeadBranch: "trunk",
		Conclusion: "failure", Log: []byte("lint: 4 problems\n")})
	e.waits.t = time.Now().Add(time.Minute)
	before := len(e.apiRequests("/repos/octo/gadgets/actions/runs/"))
	res, _ = s.Round(context.Background())
	if g := res["octo/gadgets"]; g.Runs != 1 || g.Downloaded != 1 || res["octo/widgets"].Runs != 0 {
		t.Fatalf("second round: %+v", res)
	}
	if n := len(e.apiRequests("/repos/octo/gadgets/actions/runs/")) - before; n != 1 {
		t.Fatalf("second round listed the jobs of %d runs, want only the new one", n)
	}
	// Run: rounds until the injected sleeper, asked for the interval twice, cancels.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waits []time.Duration
	s.Interval = 6 * time.Hour
	s.Base.Sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		if len(waits) == 2 {
			cancel()
		}
		return ctx.Err()
	}
	if err := s.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: want context.Canceled, got %v", err)
	}
	if len(waits) != 2 || waits[0] != 6*time.Hour {
		t.Fatalf("waits %v, want two of 6h", waits)
	}
	for path, n := range e.blobRequests() {
		if n != 1 {
			t.Fatalf("%s downloaded %d times over three rounds", path, n)
		}
	}
}
