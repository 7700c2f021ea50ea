package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/totto-ci/totto/store"
)

// A known-broken range typed with the short SHA the grid shows covers the commit it names, when
// opened and when closed; an ambiguous, unknown or malformed commit is refused with the reason
// and nothing is stored.
func TestAnnotationsWithShortSHAs(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		twin := strings.Repeat("b", 7) + strings.Repeat("c", 33) // shares lint2's first 7 digits
		if _, err := st.UpsertJob(t.Context(), store.Job{Provider: "github-actions", ExternalID: "twin", RepoID: w.repo.ID, SHA: twin, Branch: "main", Name: "lint", Conclusion: "failure"}); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, w.handler(t, nil))
		tok := c.csrf("/repos/acme/widgets/health")
		for from, why := range map[string]string{
			"bbbbbbb": "ambiguous",
			"1234567": "not the start of any commit",
			"aaaa":    "too short",
			"HEAD~1":  "not a SHA",
		} {
			r := c.post("/repos/acme/widgets/annotations", url.Values{"csrf": {tok}, "job": {"lint"}, "from": {from}})
			if r.status != 400 || !strings.Contains(r.body, why) {
				t.Errorf("open from %q: %d %q, want 400 saying %q", from, r.status, r.body, why)
			}
		}
		if as, err := st.Annotations(t.Context(), w.repo.ID, false); err != nil || len(as) != 0 {
			t.Fatalf("refused commits stored annotations: %+v, %v", as, err)
		}

		r := c.post("/repos/acme/widgets/annotations", url.Values{"csrf": {tok}, "job": {"lint"}, "from": {" " + strings.ToUpper(w.lint1.SHA[:7]) + " "}, "reason": {"broken by #12"}})
		if r.status != 303 {
			t.Fatalf("open from a short SHA: %d %s", r.status, r.body)
		}
		mustContain(t, c.get("/repos/acme/widgets/commits/"+w.lint1.SHA), 200, "known-broken")
		if r := c.post("/repos/acme/widgets/annotations/close", url.Values{"csrf": {tok}, "job": {"lint"}, "to": {"bbbbbbb"}}); r.status != 400 || !strings.Contains(r.body, "ambiguous") {
			t.Errorf("close at an ambiguous SHA: %d %q", r.status, r.body)
		}
		r = c.post("/repos/acme/widgets/annotations/close", url.Values{"csrf": {tok}, "job": {"lint"}, "to": {w.lint2.SHA[:8]}})
		if r.status != 303 {
			t.Fatalf("close at a short SHA: %d %s", r.status, r.body)
		}
		as, err := st.Annotations(t.Context(), w.repo.ID, false)
		if err != nil || len(as) != 1 || as[0].FromSHA != w.lint1.SHA || as[0].ToSHA == nil || *as[0].ToSHA != w.lint2.SHA {
			t.Fatalf("annotations %+v, %v; want lint from %s to %s in full", as, err, w.lint1.SHA, w.lint2.SHA)
		}
	})
}
