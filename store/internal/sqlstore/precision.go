package sqlstore

import (
	"context"
	"fmt"

	"github.com/totto-ci/totto/store"
)

var _ store.PrecisionQuerier = (*Store)(nil)

// failedConclusions are the job conclusions counted as failures, as triage counts them.
const failedConclusions = `('failure', 'timed_out', 'error', 'startup_failure')`

// precisionSQL reads pattern_hits (one row per pattern and job, kept by triggers) and looks at
// the later attempts of each failed hit's job. Both EXISTS probes use jobs_repo_sha.
const precisionSQL = `
SELECT h.pattern_id,
       COUNT(*),
       SUM(CASE WHEN j.conclusion = 'success' THEN 1 ELSE 0 END),
       SUM(CASE WHEN j.conclusion IN ` + failedConclusions + ` AND ` + laterPass + ` THEN 1 ELSE 0 END),
       SUM(CASE WHEN j.conclusion IN ` + failedConclusions + ` AND NOT ` + laterPass + ` AND EXISTS (
               SELECT 1 FROM jobs r JOIN pattern_hits rh ON rh.job_id = r.id AND rh.pattern_id = h.pattern_id
               WHERE r.repo_id = j.repo_id AND r.sha = j.sha AND r.name = j.name AND r.provider = j.provider
                 AND r.attempt > j.attempt AND r.conclusion IN ` + failedConclusions + `) THEN 1 ELSE 0 END)
FROM pattern_hits h JOIN jobs j ON j.id = h.job_id JOIN patterns p ON p.id = h.pattern_id
WHERE ` + "%s AND " + `%s
GROUP BY h.pattern_id
ORDER BY h.pattern_id`

const laterPass = `EXISTS (SELECT 1 FROM jobs r WHERE r.repo_id = j.repo_id AND r.sha = j.sha AND r.name = j.name
               AND r.provider = j.provider AND r.attempt > j.attempt AND r.conclusion = 'success')`

// PatternPrecision implements store.PrecisionQuerier: only hits in the audience's repositories
// count, and only in repositories the pattern applies to.
func (s *Store) PatternPrecision(ctx context.Context, aud store.Audience) ([]store.PatternPrecision, error) {
	cond, args := aud.SQL("h.repo_id")
	rows, err := s.read().query(ctx, fmt.Sprintf(precisionSQL, store.PatternAppliesSQL("p", "h.repo_id"), cond), args...)
	if err != nil {
		return nil, fmt.Errorf("pattern precision: %w", err)
	}
	defer rows.Close()
	var out []store.PatternPrecision
	for rows.Next() {
		var p store.PatternPrecision
		if err := rows.Scan(&p.PatternID, &p.Hits, &p.OnSuccess, &p.ConfirmedFlaky, &p.ConfirmedNotFlaky); err != nil {
			return nil, fmt.Errorf("pattern precision: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pattern precision: %w", err)
	}
	return out, nil
}
