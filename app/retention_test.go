package app

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/internal/testdb"
)

// A served App runs the retention job durably: River's periodic scheduler enqueues it at start and
// a worker applies the policy.
func TestRetentionRunsAsDurableJob(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Database.URL = testdb.SQLiteURL(t)
	cfg.GitHub.WebhookSecret = testSecret
	cfg.Retention.LogsDays = 90
	ctx := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel).WithContext(context.Background())
	a, err := New(ctx, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	events, unsubscribe := a.Queue.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer unsubscribe()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveCtx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- a.Serve(serveCtx, ln) }()
	defer func() { cancel(); <-served }()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.Job.Kind != "prune" {
				continue
			}
			if ev.Kind != river.EventKindJobCompleted {
				t.Fatalf("prune job %s: %v", ev.Kind, ev.Job.Errors)
			}
			return
		case <-deadline:
			t.Fatal("no prune job ran within 60 s of start")
		}
	}
}

func TestRetentionPolicyRefusesNegative(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Retention.JobsMonths = -1
	if _, err := cfg.RetentionPolicy(); err == nil || !strings.Contains(err.Error(), "jobs_months -1") {
		t.Fatalf("want an error naming jobs_months, got %v", err)
	}
	cfg.Retention.JobsMonths = 2
	if r, err := cfg.RetentionPolicy(); err != nil || r.Jobs != 60*24*time.Hour || r.Deliveries != 30*24*time.Hour {
		t.Fatalf("policy %+v %v", r, err)
	}
}
