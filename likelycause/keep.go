package likelycause

import (
	"context"
	"fmt"

	"github.com/totto-ci/totto/triage"
)

// Keeper is where what a log's likely cause says is kept.
type Keeper interface {
	PutCauseLine(ctx context.Context, logID int64, line string) error
	PutCauseShape(ctx context.Context, logID int64, line int, shapeKey string) error
}

// Keep records a log's cause line (what suggestions and unexplained groups quote) with its number
// and shape key (what the job page opens at and failure histories look up), so none of them reads
// the log again. Whoever reads a failed log for its likely cause calls it.
func Keep(ctx context.Context, st Keeper, logID int64, e triage.Excerpt) error {
	line, num, _ := triage.CauseLine(e)
	if err := st.PutCauseLine(ctx, logID, line); err != nil {
		return fmt.Errorf("keep cause line of log %d: %w", logID, err)
	}
	if err := st.PutCauseShape(ctx, logID, num, triage.ShapeKey(line)); err != nil {
		return fmt.Errorf("keep cause shape key of log %d: %w", logID, err)
	}
	return nil
}
