package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

// The JSON API serves the same data as the pages to scripts, behind the same session (or open in
// DevInsecure mode); see docs/web.md for the shapes.

type apiPattern struct {
	patterns.Pattern
	Scope       string     `json:"scope"`
	Author      string     `json:"author"`
	CreatedAt   time.Time  `json:"created_at"`
	Matches7d   int64      `json:"matches_7d"`
	Matches30d  int64      `json:"matches_30d"`
	MatchesAll  int64      `json:"matches"`
	SuccessJobs int64      `json:"success_jobs"`
	LastSeen    *time.Time `json:"last_seen"`
}

func (s *server) apiAllowed(w http.ResponseWriter, r *http.Request) bool {
	if s.deps.DevInsecure || sessionOf(r.Context()).Login != "" {
		return true
	}
	writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "sign in at /login first"})
	return false
}

// apiFail answers 500 without internals (logged instead, with the request's path).
func (s *server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	zerolog.Ctx(r.Context()).Error().Err(err).Str("path", r.URL.Path).Msg("API request failed")
	writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error; the server log has details"})
}

// apiID parses the {id} path value; a bad one is answered 400 naming what was expected.
func apiID(w http.ResponseWriter, r *http.Request, what string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": what + " id must be a number"})
		return 0, false
	}
	return id, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func (s *server) apiPatterns(w http.ResponseWriter, r *http.Request) {
	if !s.apiAllowed(w, r) {
		return
	}
	d, err := s.patternRows(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := make([]apiPattern, 0, len(d.Rows)+len(d.Folded))
	for _, p := range append(d.Rows, d.Folded...) {
		out = append(out, apiPattern{Pattern: p.Pattern.Pattern, Scope: p.Scope, Author: p.Author, CreatedAt: p.CreatedAt,
			Matches7d: p.Stat.Matches7d, Matches30d: p.Stat.Matches30d, MatchesAll: p.Stat.Matches, SuccessJobs: p.Stat.SuccessJobs, LastSeen: p.Stat.LastSeen})
	}
	writeJSON(w, http.StatusOK, map[string]any{"patterns": out})
}

type apiMatch struct {
	ID    int64            `json:"id"`
	LogID int64            `json:"log_id"`
	Match patterns.Match   `json:"match"`
	Jobs  []store.MatchJob `json:"jobs"`
}

func (s *server) apiPatternMatches(w http.ResponseWriter, r *http.Request) {
	if !s.apiAllowed(w, r) {
		return
	}
	id, ok := apiID(w, r, "pattern")
	if !ok {
		return
	}
	p, err := s.st.Pattern(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no pattern " + r.PathValue("id")})
		return
	} else if err != nil {
		s.apiFail(w, r, err)
		return
	}
	idx, err := s.repoIndex(r.Context())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	v := s.viewer(r)
	if !v.canSeePattern(p, idx) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no pattern " + r.PathValue("id")})
		return
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	ms, next, err := s.st.PatternMatches(r.Context(), id, v.audience(idx), store.Page{Limit: limit, After: store.Cursor(r.URL.Query().Get("after"))})
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	out := make([]apiMatch, 0, len(ms))
	for _, m := range ms {
		mm := m.Match.Match
		mm = s.redactMatch(mm)
		out = append(out, apiMatch{ID: m.ID, LogID: m.LogID, Match: mm, Jobs: m.Jobs})
	}
	writeJSON(w, http.StatusOK, map[string]any{"matches": out, "next": next})
}

func (s *server) apiJob(w http.ResponseWriter, r *http.Request) {
	if !s.apiAllowed(w, r) {
		return
	}
	id, ok := apiID(w, r, "job")
	if !ok {
		return
	}
	j, err := s.st.Job(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no job " + r.PathValue("id")})
		return
	} else if err != nil {
		s.apiFail(w, r, err)
		return
	}
	idx, err := s.repoIndex(r.Context())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	info, ok := idx[j.RepoID]
	if !ok {
		info = unknownRepo(j.RepoID)
	}
	if !s.viewer(r).allowAPI(w, info) {
		return
	}
	out := map[string]any{"job": j, "matches": []patterns.Match{}, "verdict": nil}
	if info.FullName != "" {
		out["repo"] = info.FullName
		if rep, err := s.commitReportFor(r, info.FullName, j.SHA); err == nil {
			if v := verdictOf(rep, j); v != nil {
				best := v.Evidence.Best
				if best != nil {
					// The best match quotes a log line: redact it like every other quoted line.
					b := s.redactMatch(*best)
					best = &b
				}
				out["verdict"] = map[string]any{"verdict": v.Verdict, "best": best, "notes": v.Evidence.Notes}
			}
		}
	}
	if j.LogID != nil {
		ms, err := s.st.Matches(r.Context(), store.MatchFilter{LogID: *j.LogID, ForRepo: j.RepoID})
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		list := make([]patterns.Match, 0, len(ms))
		for _, m := range ms {
			mm := m.Match
			mm = s.redactMatch(mm)
			list = append(list, mm)
		}
		out["matches"] = list
	}
	writeJSON(w, http.StatusOK, out)
}

// redactMatch hides secrets in what a match quotes from the log (its line and its captures) before
// the API serves it; the stored match keeps the text as scanned.
func (s *server) redactMatch(m patterns.Match) patterns.Match {
	m.Text = s.redactor.Text(m.Text)
	if len(m.Captures) > 0 {
		cs := make([]string, len(m.Captures))
		for i, c := range m.Captures {
			cs[i] = s.redactor.Text(c)
		}
		m.Captures = cs
	}
	return m
}
