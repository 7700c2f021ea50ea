package pipeline

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/likelycause"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// maxSuggestionJobs bounds the unexplained failures one check run clusters: enough to see a
// failure recur over a busy week, few enough that a check run stays cheap.
const maxSuggestionJobs = 500

// suggestionPage is how many unexplained failures are read per store page.
const suggestionPage = 100

// maxCauseReads bounds the logs one check run reads for unexplained failures whose cause line is
// not cached yet (failures recorded before the cache existed, or whose commit was never
// triaged); the rest wait for a later check run.
const maxCauseReads = 20

// cacheCauseLine keeps a log's cause line and signature so suggestions, pages and failure
// histories need not read the log again. Failing to keep them costs a later read, not a verdict,
// so it is only logged.
func (p *pipeline) cacheCauseLine(ctx context.Context, logID int64, e triage.Excerpt) {
	if err := likelycause.Keep(ctx, p.Store, logID, e); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Int64("log", logID).Msg("cause line not cached")
	}
}

// suggestions proposes patterns for the report's new jobs from the repository's unexplained
// failures in the configured window, as RenderOptions takes them.
func (p *pipeline) suggestions(ctx context.Context, repo store.Repository, r triage.Report, cfg RepoConfig) (map[triage.JobKey]triage.Suggestion, error) {
	hasNew := false
	for _, j := range r.Jobs {
		hasNew = hasNew || j.Verdict == triage.New
	}
	if !hasNew {
		return nil, nil
	}
	fails, err := p.unexplainedFailures(ctx, repo, cfg.Suggestions.Window)
	if err != nil {
		return nil, err
	}
	s := triage.Suggest(fails, triage.SuggestOptions{MinJobs: cfg.Suggestions.MinJobs})
	return triage.SuggestionsFor(r, s), nil
}

// unexplainedFailures lists the repository's failed jobs no pattern matched within window
// (newest first, at most maxSuggestionJobs), each with its cached cause line.
func (p *pipeline) unexplainedFailures(ctx context.Context, repo store.Repository, window time.Duration) ([]triage.UnexplainedFailure, error) {
	jobs, err := p.recentUnmatched(ctx, repo, p.Clock().Add(-window))
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(jobs))
	for _, j := range jobs {
		ids = append(ids, *j.LogID)
	}
	lines, err := p.Store.CauseLines(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("cause lines of %s's unexplained failures: %w", repo.FullName, err)
	}
	reads := 0
	var out []triage.UnexplainedFailure
	for _, j := range jobs {
		line, ok := lines[*j.LogID]
		if !ok {
			if reads == maxCauseReads {
				continue
			}
			reads++
			var run triage.Run
			l, err := p.Store.Log(ctx, *j.LogID)
			if err == nil {
				err = p.readLogDetails(ctx, j, l, &run)
			}
			if err != nil {
				zerolog.Ctx(ctx).Warn().Err(err).Int64("log", *j.LogID).Msg("cause line not available for suggestions")
				continue
			}
			line, _, _ = triage.CauseLine(run.Cause)
			lines[*j.LogID] = line
		}
		if line != "" {
			out = append(out, triage.UnexplainedFailure{JobID: strconv.FormatInt(j.ID, 10), Line: line})
		}
	}
	return out, nil
}

// recentUnmatched pages through the repository's unexplained failures, newest first, until a page
// reaches back before since or maxSuggestionJobs are read.
func (p *pipeline) recentUnmatched(ctx context.Context, repo store.Repository, since time.Time) ([]store.Job, error) {
	var out []store.Job
	page := store.Page{Limit: suggestionPage}
	for len(out) < maxSuggestionJobs {
		js, next, err := p.Store.UnmatchedFailures(ctx, repo.ID, page)
		if err != nil {
			return nil, fmt.Errorf("unexplained failures of %s: %w", repo.FullName, err)
		}
		old := false
		for _, j := range js {
			if jobTime(j).Before(since) {
				// Ids follow recording, not completion: finish the page, then stop.
				old = true
				continue
			}
			if j.LogID != nil && len(out) < maxSuggestionJobs {
				out = append(out, j)
			}
		}
		if old || next == "" {
			break
		}
		page.After = next
	}
	return out, nil
}

// jobTime is when a job finished, else when totto recorded it.
func jobTime(j store.Job) time.Time {
	if j.CompletedAt != nil {
		return *j.CompletedAt
	}
	return j.CreatedAt
}
