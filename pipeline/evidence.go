package pipeline

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
	"github.com/totto-ci/totto/verdicts"
)

// precisionInput is each pattern's record from rerun evidence across the repository owner's
// repositories (a flaky pattern's breadth is a property of the pattern, but another tenant's
// reruns must not decide this one's verdicts), in the form triage.Input.Precision takes.
func precisionInput(ctx context.Context, st store.Store, repo store.Repository) (map[int64]triage.Precision, error) {
	p, err := verdicts.Precision(ctx, st, repo)
	if err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	return p, nil
}

// expireKnownBroken closes the repository's known-broken annotations whose jobs have passed on
// the default branch passes commits in a row (0: store.DefaultExpiryPasses), so a forgotten
// /totto fixed does not excuse the next real breakage of the same job. It returns the
// annotations it closed: the commits they covered keep their verdict (a closed range still covers
// them), but commits after the fix that the open range excused must be triaged again.
func expireKnownBroken(ctx context.Context, st store.Store, repo store.Repository, defaultBranch string, passes int) ([]store.Annotation, error) {
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
