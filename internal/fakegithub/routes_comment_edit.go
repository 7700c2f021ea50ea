package fakegithub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// editIssueComment replaces an issue or pull-request comment's body, as GitHub's PATCH does.
func (a *AppState) editIssueComment(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		notFound(w)
		return
	}
	var req struct {
		Body string `json:"body"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
		return
	}
	a.mu.Lock()
	var found *Comment
	for i := range a.comments {
		c := &a.comments[i]
		if c.ID == id && c.Owner == r.PathValue("owner") && c.Repo == r.PathValue("repo") && c.CommitSHA == "" {
			c.Body = req.Body
			c.Edits++
			found = c
			break
		}
	}
	var cp Comment
	if found != nil {
		cp = *found
	}
	a.mu.Unlock()
	if found == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": cp.ID, "node_id": fmt.Sprintf("IC_%d", cp.ID), "body": cp.Body,
		"user": userJSON("totto[bot]"), "created_at": time.Now().UTC().Format(time.RFC3339), "updated_at": time.Now().UTC().Format(time.RFC3339),
		"html_url": fmt.Sprintf("https://github.com/%s/%s#comment-%d", cp.Owner, cp.Repo, cp.ID)})
}
