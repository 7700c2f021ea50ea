package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

// TestPatternsDashboard: patterns that fire come first, built-ins that never fired are folded
// away, search finds a pattern by any of its texts, the rerun record is shown, and two patterns
// of one name are flagged on the table, the pattern page and the form.
func TestPatternsDashboard(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		ctx := t.Context()
		if err := ingest.SyncBuiltins(ctx, st, "totto"); err != nil {
			t.Fatal(err)
		}
		// The timed-out build passed when rerun on the same commit: its hit is confirmed flaky.
		at := testNow.Add(-49 * time.Hour)
		if _, err := st.UpsertJob(ctx, store.Job{Provider: "github-actions", ExternalID: "1b", Attempt: 2, RepoID: w.repo.ID, SHA: w.build.SHA,
			Branch: "main", Name: "build", Conclusion: "success", StartedAt: &at, CompletedAt: &at}); err != nil {
			t.Fatal(err)
		}
		twin := must[[]store.PatternChange](t)(st.AddPatterns(ctx, []store.Pattern{{Pattern: patterns.Pattern{Name: "network timeout",
			Kind: patterns.Literal, Expr: "socket hang up", Description: `runbook: https://wiki.example/t?a=1&b="2" and javascript:alert(1).`,
			Source: "ui:acme/widgets"}, RepoID: &w.repo.ID}}, "alice"))[0].ID
		c := newClient(t, w.handler(t, nil))

		r := c.get("/patterns")
		mustContain(t, r, 200, `id="folded"`, "built-in patterns with no hits",
			`<td class="num hide-narrow confirmed" title="failed hits whose job passed when rerun on the same commit">1</td>`,
			`<td class="num on-green">1 <span class="warning"`,
			fmt.Sprintf(`⚠ same name as <a href="/patterns/%d">#%d</a>`, twin, twin),
			`<a href="https://wiki.example/t?a=1&amp;b=" rel="nofollow noopener noreferrer">https://wiki.example/t?a=1&amp;b=</a>&#34;2&#34; and javascript:alert(1).`)
		table, folded, _ := strings.Cut(r.body, `id="folded"`)
		hit, never := strings.Index(table, fmt.Sprintf(`id="pattern-%d"`, w.timeout)), strings.Index(table, fmt.Sprintf(`id="pattern-%d"`, w.scripted))
		if hit < 0 || never < 0 || hit > never {
			t.Errorf("the pattern with hits (at %d) does not come before the one without (at %d)", hit, never)
		}
		const builtinCell = `<td class="hide-narrow">built-in`
		if inTable, inFold := strings.Count(table, builtinCell), strings.Count(folded, builtinCell); inFold == 0 || inTable >= inFold {
			t.Errorf("%d built-ins in the table, %d folded: the ones with no hits are not folded away", inTable, inFold)
		}
		byName := c.get("/patterns?sort=name")
		if a, b := strings.Index(byName.body, `id="pattern-`+fmt.Sprint(w.scripted)+`"`), strings.Index(byName.body, `id="pattern-`+fmt.Sprint(w.timeout)+`"`); a > b {
			t.Errorf("sort=name: %q after %q", `<script>…`, "network timeout")
		}

		for q, want := range map[string]int64{"etimedout": w.timeout, "SOCKET": twin, "wiki.example": twin, "flaky": w.timeout} {
			r := c.get("/patterns?q=" + url.QueryEscape(q))
			mustContain(t, r, 200, fmt.Sprintf(`id="pattern-%d"`, want))
			mustNotContain(t, r, fmt.Sprintf(`id="pattern-%d"`, w.scripted), `id="folded"`)
		}
		// A search also finds a built-in that never fired.
		mustContain(t, c.get("/patterns?q=Hash+Sum+mismatch"), 200, `<td class="hide-narrow">built-in`)

		mustContain(t, c.get(fmt.Sprintf("/patterns/%d", twin)), 200, fmt.Sprintf(`id="same-name">⚠ Pattern <a href="/patterns/%d">`, w.timeout))
		tok := c.csrf("/try")
		r = c.post("/try", url.Values{"csrf": {tok}, "name": {"network timeout"}, "expr": {"ECONNRESET"}, "kind": {"literal"}})
		mustContain(t, r, 200, fmt.Sprintf("name: pattern %d (operator) is also called", w.timeout), fmt.Sprintf("name: pattern %d (acme/widgets)", twin))
		// The pattern an edit replaces is not a duplicate of its new version.
		r = c.get(fmt.Sprintf("/try?replaces=%d", twin))
		mustContain(t, r, 200, fmt.Sprintf("name: pattern %d (operator)", w.timeout))
		mustNotContain(t, r, fmt.Sprintf("name: pattern %d (acme/widgets)", twin))
	})
}

func TestLinkify(t *testing.T) {
	for in, want := range map[string]string{
		"see https://a.example/x.":         `see <a href="https://a.example/x" rel="nofollow noopener noreferrer">https://a.example/x</a>.`,
		"(http://a.example/p?q=1&r=2)":     `(<a href="http://a.example/p?q=1&amp;r=2" rel="nofollow noopener noreferrer">http://a.example/p?q=1&amp;r=2</a>)`,
		"javascript:alert(1) <b>x</b>":     `javascript:alert(1) &lt;b&gt;x&lt;/b&gt;`,
		`https://"onmouseover=alert(1)`:    `https://&#34;onmouseover=alert(1)`,
		"ftp://a.example data:text/html,x": `ftp://a.example data:text/html,x`,
		"https:///nohost and https://":     `https:///nohost and https://`,
		"plain":                            `plain`,
	} {
		if got := string(linkify(in)); got != want {
			t.Errorf("linkify(%q)\n got %s\nwant %s", in, got, want)
		}
	}
}
