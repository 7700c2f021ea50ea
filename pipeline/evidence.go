package pipeline

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/store"
)

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
