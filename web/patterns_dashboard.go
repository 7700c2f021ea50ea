package web

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// The patterns page is a triage dashboard: the patterns that fire now first, the built-ins that
// never fired folded away, each pattern's rerun record next to its counts, and a warning where
// two patterns share a name.

// dashboardRow is what the dashboard adds to a pattern's row.
type dashboardRow struct {
	// Precision is the pattern's record from reruns in the repositories the viewer can read.
	Precision triage.Precision
	// Demoted is why triage no longer trusts this flaky pattern ("" when it does), under the
	// default thresholds a repository has unless it tunes them.
	Demoted string
	// SameName lists the other visible patterns with this name.
	SameName []int64
}

// dashboard searches, annotates, orders and folds the rows: q matches name, expression,
// description, tags and scope (case-insensitive); sort "name" orders by name, anything else by
// recent hits.
func (s *server) dashboard(ctx context.Context, d *patternsData, aud store.Audience) error {
	recs, err := s.st.PatternPrecision(ctx, aud, nil)
	if err != nil {
		return fmt.Errorf("pattern precision: %w", err)
	}
	byID := make(map[int64]store.PatternPrecision, len(recs))
	for _, r := range recs {
		byID[r.PatternID] = r
	}
	names := map[string][]int64{}
	for _, r := range d.Rows {
		names[r.Name] = append(names[r.Name], r.ID)
	}
	q := strings.ToLower(d.Q)
	kept := d.Rows[:0]
	for _, r := range d.Rows {
		if q != "" && !rowMatches(r, q) {
			continue
		}
		rec := byID[r.ID]
		r.Precision = triage.Precision{Hits: int(rec.Hits), OnSuccess: int(rec.OnSuccess),
			ConfirmedFlaky: int(rec.ConfirmedFlaky), ConfirmedNotFlaky: int(rec.ConfirmedNotFlaky)}
		if r.HasTag(patterns.TagFlaky) {
			r.Demoted, _ = triage.DefaultDemotion.Demoted(r.Precision)
		}
		for _, id := range names[r.Name] {
			if id != r.ID {
				r.SameName = append(r.SameName, id)
			}
		}
		kept = append(kept, r)
	}
	d.Rows = kept
	if d.Sort == "name" {
		slices.SortStableFunc(d.Rows, func(a, b patternRow) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	} else {
		slices.SortStableFunc(d.Rows, byRecentHits)
	}
	// Built-ins that never fired here are the bulk of the list and say nothing to triage.
	rows := d.Rows[:0:0]
	for _, r := range d.Rows {
		if r.Scope == "built-in" && r.Stat.Jobs == 0 && r.Stat.Matches == 0 && q == "" {
			d.Folded = append(d.Folded, r)
			continue
		}
		rows = append(rows, r)
	}
	d.Rows = rows
	return nil
}

// byRecentHits orders rows by the last 7 days' count, then 30 days', then all time, then the
// latest hit, then name.
func byRecentHits(a, b patternRow) int {
	for _, c := range [][2]int64{{a.Stat.Jobs7d, b.Stat.Jobs7d}, {a.Stat.Jobs30d, b.Stat.Jobs30d}, {a.Stat.Jobs, b.Stat.Jobs}} {
		if c[0] != c[1] {
			return cmp.Compare(c[1], c[0])
		}
	}
	switch {
	case a.Stat.LastSeen != nil && b.Stat.LastSeen != nil && !a.Stat.LastSeen.Equal(*b.Stat.LastSeen):
		return b.Stat.LastSeen.Compare(*a.Stat.LastSeen)
	case (a.Stat.LastSeen == nil) != (b.Stat.LastSeen == nil):
		if a.Stat.LastSeen != nil {
			return -1
		}
		return 1
	}
	return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
}

// rowMatches is the dashboard's search: q (lower case) in any text of the pattern.
func rowMatches(r patternRow, q string) bool {
	fields := []string{r.Name, r.Expr, r.Description, r.Scope, strings.Join(r.Tags, " ")}
	if r.Then != nil {
		fields = append(fields, r.Then.Expr)
	}
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), q) {
			return true
		}
	}
	return false
}
