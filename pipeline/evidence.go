package pipeline

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// PatternPrecision is each pattern's record from rerun evidence across the repository owner's
// repositories (a flaky pattern's breadth is a property of the pattern, but another tenant's
// reruns must not decide this one's verdicts), in the form triage.Input.Precision takes. The
// check run and the web UI's commit page both use it, so they demote the same patterns.
func PatternPrecision(ctx context.Context, st store.PrecisionQuerier, repo store.Repository) (map[int64]triage.Precision, error) {
	rows, err := st.PatternPrecision(ctx, store.OwnerAudience(repo.Owner()))
	if err != nil {
		return nil, fmt.Errorf("pattern precision for %s: %w", repo.FullName, err)
	}
	out := make(map[int64]triage.Precision, len(rows))
	for _, r := range rows {
		out[r.PatternID] = triage.Precision{Hits: int(r.Hits), OnSuccess: int(r.OnSuccess),
			ConfirmedFlaky: int(r.ConfirmedFlaky), ConfirmedNotFlaky: int(r.ConfirmedNotFlaky)}
	}
	return out, nil
}

// expireKnownBroken closes the repository's known-broken annotations whose jobs have passed on
// the default branch passes commits in a row (0: store.DefaultExpiryPasses), so a forgotten
// /totto fixed does not excuse the next real breakage of the same job. It returns the
// annotations it closed: the commits they covered keep their verdict (a closed range still covers
// them), but commits after the fix that the open range excused must be triaged again.
func expireKnownBroken(ctx context.Context, st store.AnnotationExpirer, repo store.Repository, defaultBranch string, passes int) ([]store.Annotation, error) {
	if defaultBranch == "" {
		return nil, nil
	}
	closed, err := st.ExpireKnownBroken(ctx, repo.ID, defaultBranch, passes, patternActor)
	if err != nil {
		return nil, fmt.Errorf("expire known-broken annotations of %s: %w", repo.FullName, err)
	}
	for _, a := range closed {
		zerolog.Ctx(ctx).Info().Str("repo", repo.FullName).Int64("annotation", a.ID).Str("jobs", a.JobGlob).
			Str("fixed_at", *a.ToSHA).Msg("known-broken annotation expired")
	}
	return closed, nil
}
