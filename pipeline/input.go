package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/go-github/v89/github"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/likelycause"
	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/patterns/builtin"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/testlog"
	"github.com/totto-ci/totto/triage"
	"github.com/totto-ci/totto/verdicts"
)

// contextLines is how many log lines around the best match are read for the check run.
const contextLines = 3

// input gathers everything triage needs about a commit from the store (jobs, matches, patterns,
// annotations), the logs (likely cause, lines around the best match, step boundaries) and GitHub
// (the merge base, for base-branch evidence).
func (p *pipeline) input(ctx context.Context, gh *github.Client, repo store.Repository, sha string, cfg RepoConfig, jobs []store.Job) (triage.Input, error) {
	in := triage.Input{
		Commit:   triage.Commit{Repo: repo.FullName, SHA: sha},
		Patterns: map[int64]triage.PatternInfo{},
		Config:   cfg.triageConfig(),
	}
	sources := map[int64]string{}
	names := map[string]bool{}
	for _, j := range jobs {
		if in.Commit.Branch == "" {
			in.Commit.Branch = j.Branch
		}
		run, err := p.run(ctx, j, cfg, in.Patterns, sources)
		if err != nil {
			return in, err
		}
		in.Runs = append(in.Runs, run)
		if run.Conclusion.Failed() {
			names[j.Name] = true
		}
	}
	if err := p.annotations(ctx, repo, sha, names, &in); err != nil {
		return in, err
	}
	p.baseEvidence(ctx, gh, repo, sha, cfg, &in)
	if err := p.testHistory(ctx, repo, cfg, &in); err != nil {
		return in, err
	}
	// Triage weighs the precision of the patterns that matched, so only theirs is read.
	if ids := matchedPatterns(in); len(ids) > 0 {
		prec, err := verdicts.Precision(ctx, p.Store, repo, ids)
		if err != nil {
			return in, err
		}
		in.Precision = prec
	}
	return in, nil
}

// matchedPatterns is the ids of the patterns the commit's jobs matched, ascending (empty, not
// nil, when none did: nil would mean every pattern to the precision read and the demotion watch).
func matchedPatterns(in triage.Input) []int64 {
	ids := make([]int64, 0, len(in.Patterns))
	for id := range in.Patterns {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// run builds one attempt's triage view. Matches of built-in patterns are dropped when the
// repository switched the built-in packs off.
func (p *pipeline) run(ctx context.Context, j store.Job, cfg RepoConfig, infos map[int64]triage.PatternInfo, sources map[int64]string) (triage.Run, error) {
	r := triage.Run{Provider: j.Provider, Name: j.Name, Attempt: j.Attempt, Conclusion: triage.Conclusion(j.Conclusion), URL: j.URL}
	if !r.Conclusion.Failed() {
		return r, nil
	}
	switch {
	case j.LogState == store.LogUnavailable:
		r.Log = triage.LogState{Unavailable: true, Reason: j.LogReason}
		return r, nil
	case j.LogID == nil:
		r.Log = triage.LogState{Unavailable: true, Reason: "log not fetched yet"}
		return r, nil
	}
	ms, err := p.Store.Matches(ctx, store.MatchFilter{LogID: *j.LogID, ForRepo: j.RepoID, Active: true})
	if err != nil {
		return r, fmt.Errorf("matches of log %d (job %q): %w", *j.LogID, j.Name, err)
	}
	for _, m := range ms {
		src, err := p.patternInfo(ctx, m.PatternID, infos, sources)
		if err != nil {
			return r, err
		}
		if !cfg.builtinApplies(src, infos[m.PatternID].Name) {
			continue
		}
		r.Matches = append(r.Matches, m.Match)
	}
	// The store lists matches newest first; triage and display want log order.
	sortMatches(r.Matches)
	l, err := p.Store.Log(ctx, *j.LogID)
	if err != nil {
		return r, fmt.Errorf("log %d (job %q): %w", *j.LogID, j.Name, err)
	}
	if j.TestsRecorded || l.Expired() != "" {
		// The failing tests recorded when the log was stored (the same extractor over the same
		// content) are the ones the history and the store's decisions count; a log whose content
		// retention removed keeps them too.
		ts, err := p.Store.JobTests(ctx, j.ID)
		if err != nil {
			return r, fmt.Errorf("failing tests of job %q: %w", j.Name, err)
		}
		r.Tests = storedTests(ts)
	}
	if r.Log.Expired = l.Expired(); r.Log.Expired != "" {
		// The content is gone: the matches and the failing tests still stand; there is no
		// excerpt to read.
		return r, nil
	}
	if err := p.readLogDetails(ctx, j, l, &r); err != nil {
		// The matches still explain the failure without the excerpt; say so in the log only.
		zerolog.Ctx(ctx).Warn().Err(err).Int64("log", *j.LogID).Msg("likely cause not available")
	}
	return r, nil
}

func sortMatches(ms []patterns.Match) {
	slices.SortStableFunc(ms, func(a, b patterns.Match) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.PatternID, b.PatternID))
	})
}

// patternInfo loads a pattern's current tags and description once per triage and returns its
// source.
func (p *pipeline) patternInfo(ctx context.Context, id int64, infos map[int64]triage.PatternInfo, sources map[int64]string) (string, error) {
	if src, ok := sources[id]; ok {
		return src, nil
	}
	pt, err := p.Store.Pattern(ctx, id)
	if err != nil {
		return "", fmt.Errorf("pattern %d of a match: %w", id, err)
	}
	infos[id] = triage.PatternInfo{ID: id, Name: pt.Name, Tags: pt.Tags, Description: pt.Description, Priority: pt.Priority}
	sources[id] = pt.Source
	return pt.Source, nil
}

// readLogDetails reads a stored log once for its likely-cause excerpt (judged against the job's
// passing history), the lines around its best match, its step boundaries and (for a job whose
// tests were never recorded) its failing tests,
// and keeps the excerpt's cause line for pattern suggestions. The store has no place for the excerpt, so it is
// recomputed here from the stored log (one streaming pass, bounded memory).
func (p *pipeline) readLogDetails(ctx context.Context, j store.Job, l store.Log, r *triage.Run) error {
	logID := l.ID
	lo, hi := -1, -1
	if b := patterns.Best(r.Matches); b != nil {
		lo, hi = b.Line-contextLines, b.Line+contextLines
	}
	// A job stored before its tests were recorded (an older release) has them read here.
	var tests *testlog.Extractor
	if !j.TestsRecorded {
		tests = testlog.New()
	}
	step := 0
	ex, err := likelycause.Read(ctx, p.Blobs, l, likelycause.History(ctx, p.Store, p.Blobs, j), func(ln logs.Line) {
		if tests != nil {
			tests.Add(ln)
		}
		if ln.StepIndex != 0 && ln.StepIndex != step {
			step = ln.StepIndex
			r.Steps = append(r.Steps, triage.StepSpan{Number: step, FirstLine: ln.Num})
		}
		if ln.Num >= lo && ln.Num <= hi {
			if n := len(r.Context.Ranges); n == 0 {
				r.Context.Ranges = [][2]int{{ln.Num, ln.Num}}
			} else {
				r.Context.Ranges[n-1][1] = ln.Num
			}
			r.Context.Lines = append(r.Context.Lines, string(ln.Text))
		}
	})
	if err != nil {
		return err
	}
	r.Cause = triage.Excerpt(ex)
	if tests != nil {
		r.Tests = failingTests(tests.Result().Tests)
	}
	p.cacheCauseLine(ctx, logID, r.Cause)
	return nil
}

// annotations lists the repository's known-broken annotations with Covers resolved for this
// commit (the store places commits by when CI first saw them; see store.Insights).
func (p *pipeline) annotations(ctx context.Context, repo store.Repository, sha string, names map[string]bool, in *triage.Input) error {
	all, err := p.Store.Annotations(ctx, repo.ID, false)
	if err != nil {
		return fmt.Errorf("annotations of %s: %w", repo.FullName, err)
	}
	covering := map[int64]bool{}
	for name := range names {
		cs, err := p.Store.AnnotationsCovering(ctx, repo.ID, name, sha)
		if err != nil {
			return fmt.Errorf("annotations covering %q at %s: %w", name, sha, err)
		}
		for _, c := range cs {
			covering[c.ID] = true
		}
	}
	for _, a := range all {
		ta := triage.Annotation{ID: a.ID, Repo: repo.FullName, JobGlob: a.JobGlob, FromCommit: a.FromSHA, Reason: a.Reason,
			Who: a.CreatedBy, When: a.CreatedAt, Covers: covering[a.ID]}
		if a.ToSHA != nil {
			ta.ToCommit = *a.ToSHA
		}
		in.Annotations = append(in.Annotations, ta)
	}
	return nil
}

// builtinApplies reports whether a matched pattern (its source and name) may decide this
// repository's verdicts: every non-built-in does (the store already kept only patterns of the
// repository's tenants); a built-in unless the repository switched the packs, its pack or it off.
func (c RepoConfig) builtinApplies(source, name string) bool {
	pack, ok := strings.CutPrefix(source, builtin.SourcePrefix)
	if !ok {
		return true
	}
	if !c.Builtin {
		return false
	}
	for _, off := range c.BuiltinOff {
		if strings.EqualFold(off, pack) || strings.EqualFold(off, pack+"/"+name) {
			return false
		}
	}
	return true
}
