package main

import (
	"context"
	"embed"
	"fmt"
	"time"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
)

// demoLogs are small CI logs in GitHub Actions' format, written for the demo: infrastructure
// flakes the built-in packs recognise and real failures they must not excuse.
//
//go:embed demo/*.log
var demoLogs embed.FS

// demoRepo is the repository the demo history belongs to.
const demoRepo = "example/widgets"

// demoJob is one job of the demo history: which commit, which log, how it ended.
type demoJob struct {
	commit     int // index into demoCommits
	name       string
	log        string // file under demo/, "" for a passing job without a stored log
	conclusion string
}

var demoCommits = []string{
	"3f1c0b7a9d2e4f6081a3c5e7f9b1d3a5c7e9f1b3",
	"8a2d4c6e8f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c",
	"c4e6f8a0b2c4d6e8f0a2b4c6d8e0f2a4b6c8d0e2",
}

var demoJobs = []demoJob{
	{0, "build", "apt-mirror.log", "failure"},
	{0, "test", "go-test.log", "failure"},
	{0, "lint", "", "success"},
	{1, "build", "docker-rate-limit.log", "failure"},
	{1, "lint", "go-vet.log", "failure"},
	{1, "test", "", "success"},
	{2, "build", "npm-econnreset.log", "failure"},
	{2, "test", "go-test.log", "failure"},
	{2, "lint", "", "success"},
}

// seedDemo stores a small main-branch history of example/widgets and scans it, so that a fresh
// `totto serve --demo` shows every page with real content. Seeding twice changes nothing.
func seedDemo(ctx context.Context, st store.Store, blobs blob.Store) error {
	if err := ingest.SyncBuiltins(ctx, st, "demo"); err != nil {
		return err
	}
	repo, err := store.RecordRepository(ctx, st, demoRepo, true)
	if err != nil {
		return fmt.Errorf("demo repository: %w", err)
	}
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	var cs []store.BranchCommit
	for i, sha := range demoCommits {
		cs = append(cs, store.BranchCommit{SHA: sha, Message: fmt.Sprintf("demo change %d", i+1), Author: "octocat", PushedAt: start.Add(time.Duration(i) * time.Hour)})
	}
	if err := st.RecordBranchCommits(ctx, repo.ID, "main", cs); err != nil {
		return fmt.Errorf("demo branch history: %w", err)
	}
	for i, dj := range demoJobs {
		at := start.Add(time.Duration(dj.commit)*time.Hour + time.Duration(i)*time.Minute)
		j := store.Job{Provider: "demo", ExternalID: fmt.Sprintf("demo-%d", i), Attempt: 1, RepoID: repo.ID,
			SHA: demoCommits[dj.commit], Branch: "main", Name: dj.name, Conclusion: dj.conclusion,
			StartedAt: &at, CompletedAt: &at, LogState: store.LogPending}
		if dj.log != "" {
			f, err := demoLogs.Open("demo/" + dj.log)
			if err != nil {
				return fmt.Errorf("demo log %s: %w", dj.log, err)
			}
			l, err := ingest.StoreLog(ctx, st, blobs, f, 0)
			f.Close()
			if err != nil {
				return fmt.Errorf("demo log %s: %w", dj.log, err)
			}
			j.LogID, j.LogState = &l.ID, store.LogStored
		}
		if _, err := st.UpsertJob(ctx, j); err != nil {
			return fmt.Errorf("demo job %s: %w", dj.name, err)
		}
	}
	res, err := scan.Rescan(ctx, st, blobs, scan.RescanOptions{Workers: 1})
	if err != nil {
		return fmt.Errorf("scanning the demo logs: %w", err)
	}
	if len(res.Failures) > 0 {
		return fmt.Errorf("scanning the demo logs: %w", res.Failures[0].Err)
	}
	return nil
}
