package web

import (
	"net/http"
	"strings"
)

// notFound answers 404 with a page in the site's layout, so a stale or mistyped link still leaves
// the visitor with the navigation; the JSON API keeps its JSON errors (writeJSON).
func (s *server) notFound(w http.ResponseWriter, r *http.Request, msg string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": msg})
		return
	}
	s.render(w, r, http.StatusNotFound, "notfound", "Not found", msg)
}

// unknownPage is every GET no route serves.
func (s *server) unknownPage(w http.ResponseWriter, r *http.Request) {
	s.notFound(w, r, "not found: no page at this address")
}
