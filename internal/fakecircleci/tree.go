package fakecircleci

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// tree answers v1.1 GET /project/{vcs}/{owner}/{repo}/tree/{branch}: the branch's builds added
// with AddBuild, newest first, as summaries (the build without its steps), honouring limit (at
// most 100, default 30), offset and filter (failed, successful, completed, running).
func (s *Server) tree(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if q.Get("limit") == "" {
		limit, err = 30, nil
	}
	offset, err2 := strconv.Atoi(q.Get("offset"))
	if q.Get("offset") == "" {
		offset, err2 = 0, nil
	}
	if err != nil || err2 != nil || limit < 0 || limit > 100 || offset < 0 {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"message":"limit must be 0..100 and offset a non-negative integer"}`))
		return
	}
	prefix := strings.Join([]string{r.PathValue("vcs"), r.PathValue("owner"), r.PathValue("repo")}, "/") + "/"
	type summary struct {
		num int
		doc map[string]any
	}
	var found []summary
	s.mu.Lock()
	for key, raw := range s.builds {
		rest, ok := strings.CutPrefix(key, prefix)
		if !ok {
			continue
		}
		num, _ := strconv.Atoi(rest)
		var b map[string]any
		if json.Unmarshal(raw, &b) != nil || b["branch"] != r.PathValue("branch") || !keepStatus(q.Get("filter"), b) {
			continue
		}
		delete(b, "steps")
		found = append(found, summary{num, b})
	}
	s.mu.Unlock()
	slices.SortFunc(found, func(a, b summary) int { return b.num - a.num })
	out := []map[string]any{}
	for i := offset; i < len(found) && i < offset+limit; i++ {
		out = append(out, found[i].doc)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

func keepStatus(filter string, b map[string]any) bool {
	status, _ := b["status"].(string)
	switch filter {
	case "failed":
		return status == "failed" || status == "timedout" || status == "infrastructure_fail"
	case "successful":
		return status == "success" || status == "fixed"
	case "completed":
		return status != "running" && status != "queued" && status != "scheduled" && status != "not_running"
	case "running":
		return status == "running"
	}
	return true
}
