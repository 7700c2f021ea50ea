package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/google/go-github/v89/github"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// CheckRunName is the name of totto's one check run per commit.
const CheckRunName = "totto"

// DetailsURL is totto's page for a commit, linked from its check run.
func DetailsURL(publicURL string, repo ident.Repo, sha string) string {
	return fmt.Sprintf("%s/repos/%s/%s/commits/%s", strings.TrimRight(publicURL, "/"), url.PathEscape(repo.Owner), url.PathEscape(repo.Name), url.PathEscape(sha))
}

// detailsURL is the commit's page on totto, or "" when no public URL is configured (GitHub
// rejects a relative details_url).
func (p *pipeline) detailsURL(repo ident.Repo, sha string) string {
	if p.PublicURL == "" {
		return ""
	}
	return DetailsURL(p.PublicURL, repo, sha)
}

// testURL links a failing test to its history on totto's tests page (nil without a public URL).
func (p *pipeline) testURL(repo ident.Repo) func(triage.TestID) string {
	if p.PublicURL == "" {
		return nil
	}
	return func(t triage.TestID) string {
		return fmt.Sprintf("%s/repos/%s/%s/tests?test=%s", p.PublicURL, url.PathEscape(repo.Owner), url.PathEscape(repo.Name),
			store.TestKey{Runner: t.Runner, File: t.File, Name: t.Name}.ID())
	}
}

// render turns the report into the check run's output, with the repository's configuration
// problems (if its file is broken) ahead of the verdicts and a suggested pattern under each new
// job whose failure recurs.
func (p *pipeline) render(repo ident.Repo, sha string, r triage.Report, cfg RepoConfig, sugg map[triage.JobKey]triage.Suggestion, reruns map[triage.JobKey]string) triage.Output {
	note := configNote(cfg)
	out := triage.Render(r, triage.RenderOptions{DetailsURL: p.detailsURL(repo, sha), MaxBytes: triage.MaxOutputBytes - len(note),
		Redact:      p.Redactor.Text,
		Suggestions: sugg, SuggestionWindow: cfg.Suggestions.WindowText(), TestWindow: cfg.Tests.WindowText(), Reruns: reruns,
		TestURL: p.testURL(repo)})
	out.Summary = note + out.Summary
	return out
}

// configNote says what is wrong with a broken configuration file, file and line first.
func configNote(cfg RepoConfig) string {
	if len(cfg.Problems) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "> [!WARNING]\n> `%s` has problems: its valid patterns and settings apply, and each invalid one keeps its last good value:\n", cfg.File)
	for i, pr := range cfg.Problems {
		if i == 10 {
			fmt.Fprintf(&b, "> - … and %d more\n", len(cfg.Problems)-i)
			break
		}
		fmt.Fprintf(&b, "> - `%s`\n", strings.ReplaceAll(pr, "`", "'"))
	}
	b.WriteString("\n")
	return b.String()
}

// publish creates or updates the commit's one check run, then the pull request's sticky comment
// when the repository asks for one. It never creates a second check run: the triage job is
// unique per commit, the store remembers the check run, and before creating, the commit's check
// runs on GitHub are listed and an existing totto one adopted (so a crash between creating it
// and recording it is harmless). An unchanged output is not written again.
func (p *pipeline) publish(ctx context.Context, gh *github.Client, repo store.Repository, sha string, r triage.Report, cfg RepoConfig, reruns map[triage.JobKey]string) error {
	out, err := p.publishCheckRun(ctx, gh, repo, sha, r, cfg, reruns)
	if err != nil || out == nil {
		return err
	}
	return p.stickyComment(ctx, gh, repo, sha, *out, cfg)
}

// publishCheckRun writes the check run and returns its output (nil when there is none to show).
func (p *pipeline) publishCheckRun(ctx context.Context, gh *github.Client, repo store.Repository, sha string, r triage.Report, cfg RepoConfig, reruns map[triage.JobKey]string) (*triage.Output, error) {
	log := zerolog.Ctx(ctx)
	prev, err := p.Store.CheckRun(ctx, repo.ID, sha)
	found := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("check run of %s: %w", sha, err)
	}
	if !found && len(r.Jobs) == 0 {
		log.Debug().Msg("no failures and no check run yet; nothing to post")
		return nil, nil
	}
	sugg, err := p.suggestions(ctx, repo, r, cfg)
	if err != nil {
		// Suggestions help curation; the verdicts do not depend on them.
		log.Warn().Err(err).Msg("pattern suggestions not available")
	}
	gr, err := ident.ParseRepo(repo.FullName)
	if err != nil {
		return nil, err
	}
	out := p.render(gr, sha, r, cfg, sugg, reruns)
	hash := triage.OutputHash(out)
	if found && prev.OutputHash == hash {
		log.Debug().Int64("check_run", prev.CheckRunID).Msg("check run unchanged; not written")
		return &out, nil
	}
	id := prev.CheckRunID
	if !found {
		if id, err = adoptCheckRun(ctx, gh, p.AppID, gr.Owner, gr.Name, sha); err != nil {
			return nil, err
		}
	}
	var details *string
	if u := p.detailsURL(gr, sha); u != "" {
		details = github.Ptr(u)
	}
	output := &github.CheckRunOutput{Title: github.Ptr(out.Title), Summary: github.Ptr(out.Summary), Text: github.Ptr(out.Text)}
	now := &github.Timestamp{Time: p.Clock()}
	if id == 0 {
		cr, _, err := gh.Checks.CreateCheckRun(ctx, gr.Owner, gr.Name, github.CreateCheckRunOptions{
			Name: CheckRunName, HeadSHA: sha, DetailsURL: details, Status: github.Ptr("completed"),
			Conclusion: github.Ptr(out.Conclusion), CompletedAt: now, Output: output})
		if err != nil {
			return nil, fmt.Errorf("creating check run on %s@%s: %w", repo.FullName, sha, err)
		}
		id = cr.GetID()
		log.Info().Int64("check_run", id).Str("conclusion", out.Conclusion).Msg("check run created")
	} else {
		_, _, err := gh.Checks.UpdateCheckRun(ctx, gr.Owner, gr.Name, id, github.UpdateCheckRunOptions{
			Name: CheckRunName, DetailsURL: details, Status: github.Ptr("completed"),
			Conclusion: github.Ptr(out.Conclusion), CompletedAt: now, Output: output})
		if err != nil {
			return nil, fmt.Errorf("updating check run %d on %s@%s: %w", id, repo.FullName, sha, err)
		}
		log.Info().Int64("check_run", id).Str("conclusion", out.Conclusion).Msg("check run updated")
	}
	if err := p.Store.PutCheckRun(ctx, store.CheckRun{RepoID: repo.ID, SHA: sha, CheckRunID: id, OutputHash: hash}); err != nil {
		return nil, fmt.Errorf("recording check run %d of %s: %w", id, sha, err)
	}
	return &out, nil
}

// adoptCheckRun returns the id of the commit's existing totto check run on GitHub (the oldest
// when several exist), or 0. Only appID's runs are candidates: a workflow job or another App may
// name its check run "totto" too, and GitHub lets only the creating App update a check run.
func adoptCheckRun(ctx context.Context, gh *github.Client, appID int64, owner, name, sha string) (int64, error) {
	opts := &github.ListCheckRunsOptions{
		CheckName: github.Ptr(CheckRunName), Filter: github.Ptr("all"), ListOptions: github.ListOptions{PerPage: 100}}
	if appID != 0 {
		opts.AppID = github.Ptr(appID)
	}
	res, _, err := gh.Checks.ListCheckRunsForRef(ctx, owner, name, sha, opts)
	if err != nil {
		return 0, fmt.Errorf("listing check runs of %s/%s@%s: %w", owner, name, sha, err)
	}
	var id int64
	for _, c := range res.CheckRuns {
		if appID != 0 && c.GetApp().GetID() != 0 && c.GetApp().GetID() != appID {
			continue // the filter is GitHub's; this guards against a server that ignores it
		}
		if c.GetName() == CheckRunName && (id == 0 || c.GetID() < id) {
			id = c.GetID()
		}
	}
	if id != 0 {
		zerolog.Ctx(ctx).Info().Int64("check_run", id).Msg("adopting existing check run")
	}
	return id, nil
}
