package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/totto-ci/totto/store"
)

func TestPages(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		c := newClient(t, w.handler(t, nil))

		t.Run("repositories", func(t *testing.T) {
			r := c.get("/")
			mustContain(t, r, 200, "acme/widgets", "/repos/acme/widgets/health", "dev-banner")
			// 3 failed jobs in 7 days, 1 explained.
			mustContain(t, r, 200, "<td class=\"num\">3</td><td class=\"num\">33\u00a0%</td>")
		})
		t.Run("patterns table warns about a flaky pattern on green jobs", func(t *testing.T) {
			r := c.get("/patterns")
			mustContain(t, r, 200, "network timeout", "too broad")
			r = c.get("/patterns?tag=known-problem")
			mustNotContain(t, r, "network timeout")
			r = c.get("/patterns?job=lint")
			mustContain(t, r, 200, "network timeout")
		})
		t.Run("pattern page shows matches in context and links to the job line", func(t *testing.T) {
			r := c.get(fmt.Sprintf("/patterns/%d", w.timeout))
			mustContain(t, r, 200, "ETIMEDOUT</mark>", fmt.Sprintf("step output line %d", timeoutLine-5),
				fmt.Sprintf("/jobs/%d?page=3#L%d", w.build.ID, timeoutLine), "[REDACTED]")
			mustNotContain(t, r, secretToken, fmt.Sprintf("step output line %d<", timeoutLine-6))
		})
		t.Run("job page opens on the match's page, highlighted, and is paged", func(t *testing.T) {
			r := c.get(fmt.Sprintf("/jobs/%d", w.build.ID))
			mustContain(t, r, 200, fmt.Sprintf(`id="L%d"`, timeoutLine), `<span class="ln matched cause" id="L1203">`, "page 3 of 3",
				`id="verdict">flaky`, "open in CI", "[REDACTED]", "Matched network timeout")
			mustNotContain(t, r, `id="L1000"`, secretToken)
			r = c.get(fmt.Sprintf("/jobs/%d?page=1", w.build.ID))
			mustContain(t, r, 200, `id="L1"`, `id="L500"`, "next page")
			mustNotContain(t, r, `id="L501"`)
		})
		t.Run("commit page re-runs triage", func(t *testing.T) {
			r := c.get("/repos/acme/widgets/commits/" + w.build.SHA)
			mustContain(t, r, 200, "2 failures", "flaky", "new", fmt.Sprintf("/jobs/%d", w.lint1.ID))
			if r := c.get("/repos/acme/widgets/commits/" + strings.Repeat("c", 40)); r.status != 404 {
				t.Errorf("unknown commit: status %d, want 404", r.status)
			}
		})
		t.Run("unexplained failures are grouped by masked cause", func(t *testing.T) {
			r := c.get("/unexplained")
			mustContain(t, r, 200, "error: &lt;path&gt;:&lt;n&gt;: undefined: Foo (took &lt;duration&gt;)", `<td class="num">2</td>`, "make a pattern from this")
			mustContain(t, r, 200, "/try?expr=undefined%3A&#43;Foo&#43;%28took&amp;kind=literal")
		})
		t.Run("health grid and weekly chart", func(t *testing.T) {
			r := c.get("/repos/acme/widgets/health")
			mustContain(t, r, 200, `class="cell flaky"`, `class="cell new"`, `class="cell passed"`, "<svg class=\"chart\"")
		})
		t.Run("HTML in names and log lines renders inert", func(t *testing.T) {
			for _, path := range []string{"/patterns", fmt.Sprintf("/patterns/%d", w.scripted), "/repos/acme/widgets/commits/" + w.build.SHA,
				fmt.Sprintf("/jobs/%d", w.build.ID), "/repos/acme/widgets/health"} {
				r := c.get(path)
				if r.status != 200 {
					t.Fatalf("GET %s: status %d", path, r.status)
				}
				if strings.Contains(r.body, "<script>") {
					t.Errorf("GET %s: raw <script> in page", path)
				}
			}
			mustContain(t, c.get("/patterns"), 200, "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;")
			mustContain(t, c.get(fmt.Sprintf("/jobs/%d?page=1", w.build.ID)), 200, "&lt;script&gt;alert(&#39;log&#39;)&lt;/script&gt;")
		})
		t.Run("not found and bad ids", func(t *testing.T) {
			for path, want := range map[string]int{"/patterns/999999": 404, "/patterns/x": 400, "/jobs/999999": 404, "/repos/no/such/health": 404} {
				if r := c.get(path); r.status != want {
					t.Errorf("GET %s: status %d, want %d", path, r.status, want)
				}
			}
		})
	})
}

func TestTryAndSave(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		c := newClient(t, w.handler(t, nil))
		tok := c.csrf("/try")

		r := c.post("/try", url.Values{"csrf": {tok}, "expr": {"undefined: (Foo"}, "kind": {"regex"}})
		mustContain(t, r, 422, `id="expr-error"`, "missing closing )")

		r = c.post("/try", url.Values{"csrf": {tok}, "expr": {`undefined: \w+`}, "kind": {"regex"}})
		mustContain(t, r, 200, `<span id="hit-failed">2</span>`, `<span id="hit-green">0</span>`, "undefined: Foo</mark>")
		r = c.post("/try", url.Values{"csrf": {tok}, "expr": {"ETIMEDOUT"}, "kind": {"literal"}})
		mustContain(t, r, 200, `<span id="hit-failed">1</span>`, `<span id="hit-green">1</span>`, "too broad")
		if n := mustStats(t, st).Patterns; n != 2 {
			t.Fatalf("trying saved something: %d patterns", n)
		}

		// A pattern belongs to a repository or an account: never to everyone.
		r = c.post("/patterns", url.Values{"csrf": {tok}, "name": {"undefined symbol"}, "expr": {`undefined: \w+`}, "kind": {"regex"}, "tags": {"known-problem"}})
		mustContain(t, r, 422, "scope: choose a repository")
		r = c.post("/patterns", url.Values{"csrf": {tok}, "name": {"undefined symbol"}, "expr": {`undefined: \w+`}, "kind": {"regex"}, "tags": {"known-problem"}, "repo": {"acme/widgets"}})
		if r.status != 303 {
			t.Fatalf("save: status %d: %s", r.status, r.body)
		}
		loc := r.header.Get("Location")
		w.waitRescan(t)
		r = c.get(loc)
		mustContain(t, r, 200, "Pattern saved", `id="rescan">Rescan done`, fmt.Sprintf("/jobs/%d?page=1#L2", w.lint1.ID), fmt.Sprintf("/jobs/%d?page=1#L2", w.lint2.ID))
		ps, err := st.Patterns(t.Context(), store.PatternFilter{})
		if err != nil {
			t.Fatal(err)
		}
		saved := ps[len(ps)-1]
		if saved.Source != "ui:acme/widgets" || saved.Scope != store.ScopeRepository || saved.Author != "anonymous (dev-insecure)" {
			t.Errorf("saved pattern source %q author %q", saved.Source, saved.Author)
		}

		// Edit = new pattern + retire the old one.
		r = c.post("/patterns", url.Values{"csrf": {tok}, "name": {"undefined Foo"}, "expr": {`undefined: Foo`}, "kind": {"literal"},
			"replaces": {fmt.Sprint(saved.ID)}, "account": {"acme"}})
		mustContain(t, r, 422, "an edit keeps the scope")
		r = c.post("/patterns", url.Values{"csrf": {tok}, "name": {"undefined Foo"}, "expr": {`undefined: Foo`}, "kind": {"literal"},
			"replaces": {fmt.Sprint(saved.ID)}, "repo": {"acme/widgets"}})
		if r.status != 303 {
			t.Fatalf("edit: status %d: %s", r.status, r.body)
		}
		old, err := st.Pattern(t.Context(), saved.ID)
		if err != nil || old.Active() {
			t.Fatalf("edited pattern %d still active (err %v)", saved.ID, err)
		}
		mustContain(t, c.get(fmt.Sprintf("/patterns/%d", saved.ID)), 200, "retired")

		edited, err := st.Patterns(t.Context(), store.PatternFilter{Source: "ui:acme/widgets"})
		if err != nil || len(edited) != 1 {
			t.Fatalf("edited pattern: %v %v", edited, err)
		}
		// Retire needs the CSRF token.
		if r := c.post(fmt.Sprintf("/patterns/%d/retire", edited[0].ID), url.Values{}); r.status != 403 {
			t.Errorf("retire without CSRF token: status %d, want 403", r.status)
		}
		if r := c.post(fmt.Sprintf("/patterns/%d/retire", edited[0].ID), url.Values{"csrf": {tok}}); r.status != 303 {
			t.Errorf("retire: status %d", r.status)
		}
		if p, _ := st.Pattern(t.Context(), edited[0].ID); p.Active() {
			t.Errorf("pattern %d not retired", edited[0].ID)
		}
		// Operator patterns are the operator's, even in DevInsecure mode.
		if r := c.post(fmt.Sprintf("/patterns/%d/retire", w.timeout), url.Values{"csrf": {tok}}); r.status != 403 {
			t.Errorf("retire an operator pattern: status %d, want 403", r.status)
		}
	})
}

func TestAnnotationsFromHealthPage(t *testing.T) {
	w := seed(t, openSQLite(t))
	c := newClient(t, w.handler(t, nil))
	tok := c.csrf("/repos/acme/widgets/health")
	r := c.post("/repos/acme/widgets/annotations", url.Values{"csrf": {tok}, "job": {"lint"}, "from": {w.lint1.SHA}, "reason": {"broken by #12"}})
	if r.status != 303 {
		t.Fatalf("open annotation: %d %s", r.status, r.body)
	}
	w.waitRescan(t) // the kept verdicts the range changed are decided again by the rescan job
	r = c.get("/repos/acme/widgets/health")
	mustContain(t, r, 200, "broken by #12", "<strong>open</strong>", `class="cell known-broken"`)
	r = c.post("/repos/acme/widgets/annotations/close", url.Values{"csrf": {tok}, "job": {"lint"}, "to": {w.lint2.SHA}})
	if r.status != 303 {
		t.Fatalf("close annotation: %d %s", r.status, r.body)
	}
	w.waitRescan(t)
	r = c.get("/repos/acme/widgets/health")
	mustNotContain(t, r, "<strong>open</strong>")
	// The fixing commit's lint failure is no longer covered; the first one still is.
	mustContain(t, r, 200, `job=lint&amp;sha=`+w.lint2.SHA+`#cell" title="lint: new"`, `job=lint&amp;sha=`+w.lint1.SHA+`#cell" title="lint: known broken"`)
}

func mustStats(t *testing.T, st store.Store) store.Stats {
	s, err := st.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustContain(t *testing.T, r resp, status int, subs ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body:\n%.2000s", r.status, status, r.body)
	}
	for _, s := range subs {
		if !strings.Contains(r.body, s) {
			t.Errorf("page lacks %q; body:\n%.3000s", s, r.body)
		}
	}
}

func mustNotContain(t *testing.T, r resp, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(r.body, s) {
			t.Errorf("page contains %q", s)
		}
	}
}
