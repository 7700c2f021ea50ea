package web

import (
	"errors"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

// sparkWeeks is how many weeks the patterns table's sparklines cover.
const sparkWeeks = 12

type patternRow struct {
	store.Pattern
	Scope  string
	Stat   store.PatternStat
	Weekly []int64
	dashboardRow
}

type patternsData struct {
	Rows           []patternRow
	Repo, Tag, Job string
	Repos          []string
	// Q searches the patterns, Sort orders them (see dashboard); Folded are the built-ins that
	// never fired, listed apart.
	Q, Sort string
	Folded  []patternRow
}

// patternsPage lists the active patterns the viewer may see with their recent frequency over the
// repositories the viewer can read, filtered by repository (the patterns that apply to it, with
// counts in it alone), tag and job name (by the pattern's job globs).
func (s *server) patternsPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.patternRows(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "patterns", "Patterns", d)
}

func (s *server) patternRows(r *http.Request) (patternsData, error) {
	ctx := r.Context()
	q := r.URL.Query()
	d := patternsData{Repo: q.Get("repo"), Tag: q.Get("tag"), Job: q.Get("job"), Q: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort")}
	idx, err := s.repoIndex(ctx)
	if err != nil {
		return d, err
	}
	// Patterns of tenants the viewer cannot see are left out, as are unreadable repositories
	// from the filter's choices; every count is over readable repositories only.
	v := s.viewer(r)
	aud := v.audience(idx)
	for _, id := range aud.Repos {
		d.Repos = append(d.Repos, idx[id].FullName)
	}
	if aud.All {
		for _, info := range idx {
			d.Repos = append(d.Repos, info.FullName)
		}
	}
	slices.Sort(d.Repos)
	filter := store.PatternFilter{}
	if d.Repo != "" {
		info, ok := repoByName(idx, d.Repo)
		if !ok || !v.canRead(info) {
			return d, nil // an unknown or unreadable repository has no patterns to show
		}
		filter.ForRepo, aud = info.ID, store.Audience{Repos: []int64{info.ID}}
	}
	ps, err := s.st.Patterns(ctx, filter)
	if err != nil {
		return d, err
	}
	now := s.deps.Now().UTC()
	stats, err := s.st.PatternStats(ctx, now, aud)
	if err != nil {
		return d, err
	}
	byID := map[int64]store.PatternStat{}
	for _, st := range stats {
		byID[st.PatternID] = st
	}
	from := weekStart(now).AddDate(0, 0, -7*(sparkWeeks-1))
	buckets, err := s.st.PatternFrequency(ctx, store.FrequencyFilter{From: from, To: now.Add(time.Second), Interval: store.Week, Audience: aud})
	if err != nil {
		return d, err
	}
	weekly := map[int64][]int64{}
	for _, b := range buckets {
		i := int(b.Start.Sub(from) / (7 * 24 * time.Hour))
		if i < 0 || i >= sparkWeeks {
			continue
		}
		if weekly[b.PatternID] == nil {
			weekly[b.PatternID] = make([]int64, sparkWeeks)
		}
		weekly[b.PatternID][i] += b.Jobs // jobs, as every count of the table
	}
	for _, p := range ps {
		if !v.canSeePattern(p, idx) {
			continue
		}
		if d.Tag != "" && !p.HasTag(d.Tag) {
			continue
		}
		if d.Job != "" && !globsAdmit(p.Jobs, d.Job) {
			continue
		}
		st := byID[p.ID]
		wk := weekly[p.ID]
		if wk == nil {
			wk = make([]int64, sparkWeeks)
		}
		d.Rows = append(d.Rows, patternRow{Pattern: p, Scope: scopeLabel(p, idx), Stat: st, Weekly: wk})
	}
	return d, s.dashboard(ctx, &d, aud)
}

// repoByName finds a repository of the index by full name.
func repoByName(idx map[int64]repoInfo, name string) (repoInfo, bool) {
	for _, info := range idx {
		if info.FullName == name {
			return info, true
		}
	}
	return repoInfo{}, false
}

// globsAdmit applies a pattern's job scope: empty admits every job.
func globsAdmit(globs []string, name string) bool {
	if len(globs) == 0 {
		return true
	}
	for _, g := range globs {
		if ok, _ := path.Match(g, name); ok {
			return true
		}
	}
	return false
}

// weekStart is the Monday 00:00 UTC starting t's week, as store buckets count weeks.
func weekStart(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

type matchView struct {
	store.PatternMatch
	Context contextBlock
}

type patternData struct {
	Pattern store.Pattern
	Scope   string
	Repo    string // the repository of a repository pattern, for the edit link
	Weekly  []point
	Matches []matchView
	Next    store.Cursor
	Audit   []store.AuditEvent
	Saved   string
	// JustRetired: the viewer has just retired it; Restorable: "Undo retire" brings it back.
	JustRetired, Restorable bool
	// SameName are the other visible active patterns of this name.
	SameName []int64
	// Rescanning: the rescan job has stored logs left to scan for some active pattern;
	// RescanPercent is the share of stored logs already scanned for every one.
	Rescanning    bool
	RescanPercent string
	// Seen is the failed jobs the pattern matched: how many, since when, the latest.
	Seen store.FailureHistory
}

// patternPage shows one pattern: its weekly frequency, a page of matches with context read from
// the stored logs, and who changed it.
func (s *server) patternPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.Error(w, "pattern id must be a number", http.StatusBadRequest)
		return
	}
	p, err := s.st.Pattern(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, "no pattern "+r.PathValue("id"))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	idx, err := s.repoIndex(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.viewer(r)
	if !v.canSeePattern(p, idx) {
		v.refuse(w, r)
		return
	}
	d := patternData{Pattern: p, Scope: scopeLabel(p, idx), Saved: r.URL.Query().Get("saved"),
		JustRetired: r.URL.Query().Get("retired") == "1" && !p.Active()}
	if p.RepoID != nil {
		d.Repo = idx[*p.RepoID].FullName
	}
	if err := s.retirementView(ctx, v, &d); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Active() {
		// The rescan's progress as a share of every stored log: the deployment-wide counts
		// themselves are not the viewer's to see.
		stats, err := s.st.ScanBacklog(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if stats.UnscannedLogs > 0 && stats.Logs > 0 {
			d.RescanPercent = pct(stats.Logs-stats.UnscannedLogs, stats.Logs)
			d.Rescanning = true
		}
	}
	aud := v.audience(idx)
	now := s.deps.Now().UTC()
	from := weekStart(now).AddDate(0, 0, -7*25)
	buckets, err := s.st.PatternFrequency(ctx, store.FrequencyFilter{PatternIDs: []int64{id}, From: from, To: now.Add(time.Second), Interval: store.Week, Audience: aud})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	byWeek := map[time.Time]int64{}
	for _, b := range buckets {
		byWeek[b.Start.UTC()] += b.Jobs
	}
	for wk := from; !wk.After(now); wk = wk.AddDate(0, 0, 7) {
		d.Weekly = append(d.Weekly, point{Label: wk.Format("2006-01-02"), Value: float64(byWeek[wk])})
	}
	if d.Seen, err = s.st.PatternHistory(ctx, id, aud, historyListed); err != nil {
		s.fail(w, r, err)
		return
	}
	ms, next, err := s.st.PatternMatches(ctx, id, aud, store.Page{Limit: 20, After: store.Cursor(r.URL.Query().Get("after"))})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Next = next
	// Only matches in readable repositories the pattern applies to were listed.
	d.Matches = s.withContext(r, ms)
	if d.Audit, err = s.st.AuditTrail(ctx, "pattern:"+strconv.FormatInt(id, 10), 20); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "pattern", p.Name, d)
}

// withContext reads ±5 lines around each match, one pass per log.
func (s *server) withContext(r *http.Request, ms []store.PatternMatch) []matchView {
	byLog := map[int64][]patterns.Match{}
	for _, m := range ms {
		byLog[m.LogID] = append(byLog[m.LogID], m.Match.Match)
	}
	blocks := map[int64]map[int]contextBlock{}
	for logID, lm := range byLog {
		l, err := s.st.Log(r.Context(), logID)
		if err != nil {
			continue
		}
		blocks[logID] = s.matchContext(r.Context(), l.StorageKey, lm, 5)
	}
	out := make([]matchView, 0, len(ms))
	for _, m := range ms {
		b, ok := blocks[m.LogID][m.Line]
		if !ok {
			b = contextBlock{Line: m.Line, Lines: []logLine{showLine(m.Line, m.Text, s.redactor.Text(m.Text), m.Match.Match, true, false)}}
		}
		out = append(out, matchView{PatternMatch: m, Context: b})
	}
	return out
}
