package sqlstore

import (
	"context"
	"fmt"

	"github.com/totto-ci/totto/store"
)

var _ store.PrecisionQuerier = (*Store)(nil)

// failedConclusions are the job conclusions counted as failures, as triage counts them.
const failedConclusions = `('failure', 'timed_out', 'error', 'startup_failure')`

// precisionSQL reads pattern_hits (one row per pattern and job, kept by triggers, the job's
// conclusion included) in two parts added up per pattern: every hit, in one pass without looking
// at its job; and the hits of the few failed jobs attempted again, with what the later attempts
// did. Those are found from the reruns' side (index jobs_retried, attempts after the first only:
// "r.attempt > 1" is implied by "r.attempt > e.attempt" and lets the planners use it; CROSS JOIN
// keeps SQLite walking the reruns first even before ANALYZE has seen the index). Both parts take
// the audience's condition on the hits (%[1]s, with the patterns asked for), the reruns too (%[2]s).
const precisionSQL = `
SELECT pattern_id, SUM(hits), SUM(on_success), SUM(flaky), SUM(not_flaky) FROM (
    SELECT h.pattern_id, COUNT(*) AS hits, SUM(CASE WHEN h.conclusion = 'success' THEN 1 ELSE 0 END) AS on_success,
           0 AS flaky, 0 AS not_flaky
    FROM pattern_hits h WHERE %[1]s GROUP BY h.pattern_id
    UNION ALL
    SELECT h.pattern_id, 0, 0, SUM(rr.passed), SUM(CASE WHEN rr.passed = 0 AND EXISTS (
               SELECT 1 FROM jobs r JOIN pattern_hits rh ON rh.job_id = r.id AND rh.pattern_id = h.pattern_id
               WHERE r.repo_id = rr.repo_id AND r.sha = rr.sha AND r.name = rr.name AND r.provider = rr.provider
                 AND r.attempt > rr.attempt AND r.attempt > 1 AND r.conclusion IN ` + failedConclusions + `)
           THEN 1 ELSE 0 END)
    FROM (SELECT e.id AS job_id, e.repo_id, e.sha, e.name, e.provider, e.attempt,
                 MAX(CASE WHEN r.conclusion = 'success' THEN 1 ELSE 0 END) AS passed
          FROM jobs r CROSS JOIN jobs e
          WHERE r.attempt > 1 AND %[2]s AND e.repo_id = r.repo_id AND e.sha = r.sha AND e.name = r.name
                AND e.provider = r.provider AND e.attempt < r.attempt AND e.conclusion IN ` + failedConclusions + `
          GROUP BY e.id, e.repo_id, e.sha, e.name, e.provider, e.attempt) rr
    JOIN pattern_hits h ON h.job_id = rr.job_id
    WHERE %[1]s GROUP BY h.pattern_id
) x
GROUP BY pattern_id
ORDER BY pattern_id`

// precisionOfSQL is precisionSQL for a few patterns (%[1]s names them): the reruns are found
// from those patterns' hits on failed jobs, not from every rerun in the audience. Walking every
// rerun cost each triage 97 ms on Postgres after 30 000 jobs (and grew with the history) even
// when the commit's patterns had no hit at all; a pattern's hits are counted in the first part
// anyway, so this costs a few index probes more per hit. The later attempts share the hit's job's
// repository, which the audience's condition on the hits already admits.
const precisionOfSQL = `
SELECT pattern_id, SUM(hits), SUM(on_success), SUM(flaky), SUM(not_flaky) FROM (
    SELECT h.pattern_id, COUNT(*) AS hits, SUM(CASE WHEN h.conclusion = 'success' THEN 1 ELSE 0 END) AS on_success,
           0 AS flaky, 0 AS not_flaky
    FROM pattern_hits h WHERE %[1]s GROUP BY h.pattern_id
    UNION ALL
    SELECT h.pattern_id, 0, 0,
           SUM(CASE WHEN EXISTS (` + laterPassSQL + `) THEN 1 ELSE 0 END),
           SUM(CASE WHEN NOT EXISTS (` + laterPassSQL + `) AND EXISTS (
               SELECT 1 FROM jobs r JOIN pattern_hits rh ON rh.job_id = r.id AND rh.pattern_id = h.pattern_id
               WHERE r.repo_id = e.repo_id AND r.sha = e.sha AND r.name = e.name AND r.provider = e.provider
                 AND r.attempt > e.attempt AND r.attempt > 1 AND r.conclusion IN ` + failedConclusions + `)
           THEN 1 ELSE 0 END)
    FROM pattern_hits h JOIN jobs e ON e.id = h.job_id
    WHERE %[1]s AND e.conclusion IN ` + failedConclusions + ` AND EXISTS (
        SELECT 1 FROM jobs r WHERE r.repo_id = e.repo_id AND r.sha = e.sha AND r.name = e.name
            AND r.provider = e.provider AND r.attempt > e.attempt AND r.attempt > 1)
    GROUP BY h.pattern_id
) x
GROUP BY pattern_id
ORDER BY pattern_id`

// laterPassSQL finds a later attempt of job e that passed.
const laterPassSQL = `SELECT 1 FROM jobs r WHERE r.repo_id = e.repo_id AND r.sha = e.sha AND r.name = e.name
               AND r.provider = e.provider AND r.attempt > e.attempt AND r.attempt > 1 AND r.conclusion = 'success'`

// PatternPrecision implements store.PrecisionQuerier: only hits in the audience's repositories
// count (pattern_hits holds only hits in repositories their pattern applies to).
func (s *Store) PatternPrecision(ctx context.Context, aud store.Audience, patternIDs []int64) ([]store.PatternPrecision, error) {
	if patternIDs != nil && len(patternIDs) == 0 {
		return nil, nil
	}
	cond, args := aud.SQL("h.repo_id")
	reruns, rerunArgs := aud.SQL("r.repo_id")
	if len(patternIDs) > 0 {
		in, ids := idList(patternIDs)
		cond += ` AND h.pattern_id IN (` + in + `)`
		args = append(args, ids...)
	}
	query := fmt.Sprintf(precisionSQL, cond, reruns)
	all := append(append(append([]any{}, args...), rerunArgs...), args...)
	if len(patternIDs) > 0 {
		query, all = fmt.Sprintf(precisionOfSQL, cond), append(append([]any{}, args...), args...)
	}
	rows, err := s.read().query(ctx, query, all...)
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
