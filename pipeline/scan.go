package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/go-github/v89/github"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
)

// patternActor is who the pipeline's pattern changes are attributed to in the audit trail.
const patternActor = "totto"

// syncBuiltins merges the built-in packs into the store once per process (ingest.SyncBuiltins).
func (p *pipeline) syncBuiltins(ctx context.Context) error {
	p.mu.Lock()
	done := p.builtinsSynced
	p.mu.Unlock()
	if done {
		return nil
	}
	if err := ingest.SyncBuiltins(ctx, p.Store, patternActor); err != nil {
		return err
	}
	p.mu.Lock()
	p.builtinsSynced = true
	p.mu.Unlock()
	return nil
}

// repoSource is the store source of a repository's configured patterns: per repository, because
// the store keeps (source, name) unique.
func repoSource(fullName string) string { return "repo:" + fullName + ":" + ConfigPath }

// syncRepoPatterns makes the store's patterns of the repository's file equal to ps: new and
// changed ones are added (a changed expression retires the old id), removed ones retired.
func (p *pipeline) syncRepoPatterns(ctx context.Context, repoID int64, fullName string, ps []patterns.Pattern) error {
	src := repoSource(fullName)
	in := make([]store.Pattern, 0, len(ps))
	keep := map[string]bool{}
	for _, x := range ps {
		x.ID, x.Source = 0, src
		id := repoID
		in = append(in, store.Pattern{Pattern: x, RepoID: &id})
		keep[x.Name] = true
	}
	if len(in) > 0 {
		if _, err := p.Store.AddPatterns(ctx, in, patternActor); err != nil {
			return fmt.Errorf("storing patterns of %s: %w", src, err)
		}
	}
	old, err := p.Store.Patterns(ctx, store.PatternFilter{Source: src})
	if err != nil {
		return fmt.Errorf("listing patterns of %s: %w", src, err)
	}
	for _, o := range old {
		if keep[o.Name] {
			continue
		}
		if err := p.Store.RetirePattern(ctx, o.ID, patternActor); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("retiring pattern %d %q removed from %s: %w", o.ID, o.Name, src, err)
		}
	}
	return nil
}

// patternsReady puts the built-in packs and the repository's own patterns in the store, as they
// must be before a log of the repository is read for its matches.
func (p *pipeline) patternsReady(ctx context.Context, gh *github.Client, repoID int64, fullName string) error {
	if err := p.syncBuiltins(ctx); err != nil {
		return err
	}
	_, err := p.config(ctx, gh, repoID, fullName)
	return err
}

// scanJobLog scans a stored log with every active pattern not yet scanned over it, through the
// store's scan recording, so matches and the log's watermark are written together: from the
// pass that stored it when there was one (it scanned the log as it went by), else by reading it.
func (p *pipeline) scanJobLog(ctx context.Context, j store.Job, pass *scan.Pass) error {
	if pass == nil {
		pass = scan.NewPass(p.matchers, "", j.Name) // read nothing: Record rescans the stored log
	}
	start := time.Now()
	res, err := pass.Record(ctx, p.Store, p.Blobs, *j.LogID)
	p.countScan(res.Bytes, time.Since(start))
	if err != nil {
		return fmt.Errorf("scanning log %d of job %q: %w", *j.LogID, j.Name, err)
	}
	if len(res.Failures) > 0 {
		return fmt.Errorf("scanning log %d of job %q: %w", *j.LogID, j.Name, res.Failures[0].Err)
	}
	zerolog.Ctx(ctx).Debug().Int64("log", *j.LogID).Int64("matches", res.Matches).Msg("log scanned")
	return nil
}
