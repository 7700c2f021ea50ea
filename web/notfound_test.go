package web

import (
	"strings"
	"testing"
)

// A page that does not exist, and a record that does not, answer 404 in the site's layout with
// its navigation; the JSON API keeps answering JSON.
func TestNotFoundInLayout(t *testing.T) {
	w := seed(t, openSQLite(t))
	c := newClient(t, w.handler(t, nil))
	for path, says := range map[string]string{
		"/no/such/page":                 "no page at this address",
		"/jobs/999999":                  "no job 999999",
		"/patterns/999999":              "no pattern 999999",
		"/repos/no/such/health":         "unknown repository no/such",
		"/unexplained?repo=nobody/none": "unknown repository nobody/none",
	} {
		r := c.get(path)
		if r.status != 404 {
			t.Errorf("GET %s: status %d, want 404", path, r.status)
		}
		if !strings.Contains(r.body, `<nav>`) || !strings.Contains(r.body, `href="/patterns"`) || !strings.Contains(r.body, says) {
			t.Errorf("GET %s: not a page in the layout saying %q: %.400s", path, says, r.body)
		}
	}
	if r := c.get("/api/v1/nothing"); r.status != 404 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Errorf("unknown API path: %d %s", r.status, r.header.Get("Content-Type"))
	}
}
