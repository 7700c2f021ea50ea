package web

import (
	"fmt"
	"html"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/patterns/builtin"
	"github.com/totto-ci/totto/store"
)

// fullPattern is a repository pattern using every field of the file format.
func fullPattern(w *world) store.Pattern {
	return store.Pattern{Pattern: patterns.Pattern{Name: "lint undefined", Kind: patterns.Regex, Expr: `undefined: \w+`,
		Tags: []string{"known-problem"}, Description: "see https://example.com/runbook", Priority: 7,
		Jobs: []string{"lint*"}, Steps: []string{"Run lint"}, LastLines: 400,
		Then: &patterns.Then{Kind: patterns.Literal, Expr: "exit 1", Within: 3}, RawMarker: true, Source: "ui:acme/widgets"},
		RepoID: &w.repo.ID}
}

// formValues reads every named input, select and textarea of a page's form as the browser
// would submit it.
func formValues(t *testing.T, body string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, m := range regexp.MustCompile(`<input[^>]*? name="([^"]+)"[^>]*? value="([^"]*)"[^>]*>`).FindAllStringSubmatch(body, -1) {
		if strings.Contains(m[0], `type="checkbox"`) && !strings.Contains(m[0], " checked") {
			continue // a browser sends a checkbox only when it is checked
		}
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea name="([^"]+)"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(body, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	for _, m := range regexp.MustCompile(`(?s)<select name="([^"]+)".*?</select>`).FindAllStringSubmatch(body, -1) {
		if sel := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(m[0]); sel != nil {
			v.Set(m[1], sel[1])
		}
	}
	return v
}

// TestEditKeepsScopeAndFields: "Edit" opens on every field of the stored pattern, its scope
// included, and saving a change to one field keeps all the others.
func TestEditKeepsScopeAndFields(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		c := newClient(t, w.handler(t, nil))
		id := must[[]store.PatternChange](t)(st.AddPatterns(t.Context(), []store.Pattern{fullPattern(w)}, "alice"))[0].ID

		page := c.get(fmt.Sprintf("/patterns/%d", id))
		mustContain(t, page, 200, fmt.Sprintf(`href="/try?replaces=%d"`, id), `<a href="https://example.com/runbook" rel="nofollow noopener noreferrer">`)
		r := c.get(fmt.Sprintf("/try?replaces=%d", id))
		mustContain(t, r, 200, `id="editing"`)
		form := formValues(t, r.body)
		for k, want := range map[string]string{"name": "lint undefined", "expr": `undefined: \w+`, "kind": "regex", "tags": "known-problem",
			"jobs": "lint*", "steps": "Run lint", "priority": "7", "last_lines": "400", "then_kind": "literal", "then_expr": "exit 1",
			"then_within": "3", "raw_marker": "true", "repo": "acme/widgets", "account": "", "description": "see https://example.com/runbook", "replaces": fmt.Sprint(id)} {
			if got := form.Get(k); got != want {
				t.Errorf("edit form field %s = %q, want %q", k, got, want)
			}
		}

		// The user changes the expression and saves the form as shown.
		form.Set("expr", `undefined: Foo\b`)
		form.Set("csrf", c.csrf("/try"))
		got := redirectedPattern(t, st, c.post("/patterns", form), "save the edit")
		want := fullPattern(w)
		want.Expr = `undefined: Foo\b`
		if d := fieldDiff(got, want); d != "" || got.Scope != store.ScopeRepository {
			t.Errorf("the edit lost %s (scope %q)", d, got.Scope)
		}
		if old := must[store.Pattern](t)(st.Pattern(t.Context(), id)); old.Active() {
			t.Errorf("the edited pattern %d is still active", id)
		}

		// An edit that names no scope keeps the scope of the pattern it replaces.
		form = url.Values{"csrf": {form.Get("csrf")}, "replaces": {fmt.Sprint(got.ID)}, "name": {"lint undefined"}, "kind": {"literal"}, "expr": {"undefined: Bar"}}
		if p := redirectedPattern(t, st, c.post("/patterns", form), "save an edit without scope fields"); p.Scope != store.ScopeRepository || p.RepoID == nil || *p.RepoID != w.repo.ID {
			t.Errorf("an edit without scope fields saved scope %q repo %v, want acme/widgets", p.Scope, p.RepoID)
		}

		// Fields that are not numbers, and a bad `then`, are refused with the field's name.
		bad := url.Values{"csrf": {form.Get("csrf")}, "name": {"x"}, "expr": {"abc"}, "kind": {"literal"}, "repo": {"acme/widgets"},
			"priority": {"high"}, "then_expr": {"def"}, "then_within": {"0"}}
		mustContain(t, c.post("/patterns", bad), 422, `priority: &#34;high&#34; is not a whole number`, "then: `within` must be a number of lines from 1 to 1000")
	})
}

// TestRetireWithReasonAndUndo: a retirement keeps its reason; undo brings the pattern back (a new
// id, rescanned) with every field and its scope; the operator's patterns stay the operator's.
func TestRetireWithReasonAndUndo(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		c := newClient(t, w.handler(t, nil))
		id := must[[]store.PatternChange](t)(st.AddPatterns(t.Context(), []store.Pattern{fullPattern(w)}, "alice"))[0].ID
		tok := c.csrf("/try")

		long := url.Values{"csrf": {tok}, "reason": {strings.Repeat("x", maxRetireReason+1)}}
		mustContain(t, c.post(fmt.Sprintf("/patterns/%d/retire", id), long), 422, "reason: at most")
		r := c.post(fmt.Sprintf("/patterns/%d/retire", id), url.Values{"csrf": {tok}, "reason": {"fires on <green> jobs"}})
		if r.status != 303 || r.header.Get("Location") != fmt.Sprintf("/patterns/%d?retired=1", id) {
			t.Fatalf("retire: status %d to %q", r.status, r.header.Get("Location"))
		}
		page := c.get(r.header.Get("Location"))
		mustContain(t, page, 200, `id="retired"`, `<span id="retire-reason">fires on &lt;green&gt; jobs</span>`, `id="undo-retire"`,
			"pattern.retire · fires on &lt;green&gt; jobs")
		if r := c.post(fmt.Sprintf("/patterns/%d/retire", id), url.Values{"csrf": {tok}}); r.status != 409 {
			t.Errorf("retire twice: status %d, want 409", r.status)
		}

		w.waitRescan(t) // the retirement queued the verdicts' new decision

		r = c.post(fmt.Sprintf("/patterns/%d/restore", id), url.Values{"csrf": {tok}})
		got := redirectedPattern(t, st, r, "undo")
		back := got.ID
		if d := fieldDiff(got, fullPattern(w)); d != "" || back == id || !got.Active() || got.Scope != store.ScopeRepository {
			t.Errorf("restored pattern %d (active %v, scope %q) lost %s", back, got.Active(), got.Scope, d)
		}
		w.waitRescan(t) // the restore queued the rescan of stored logs
		mustContain(t, c.get(r.header.Get("Location")), 200, `id="saved"`, `id="rescan">Rescan done`)
		// Its name is taken again: undoing the old retirement a second time would make two.
		if r := c.post(fmt.Sprintf("/patterns/%d/restore", id), url.Values{"csrf": {tok}}); r.status != 409 {
			t.Errorf("a second undo: status %d, want 409", r.status)
		}
		mustNotContain(t, c.get(fmt.Sprintf("/patterns/%d", id)), `id="undo-retire"`)
		if r := c.post(fmt.Sprintf("/patterns/%d/restore", back), url.Values{"csrf": {tok}}); r.status != 409 {
			t.Errorf("undo of an active pattern: status %d, want 409", r.status)
		}
	})
}

// TestBuiltinRetirementSticks: a built-in is retired by the operator (the UI refuses, as
// access.Rules says); the next `totto ingest` (SyncBuiltins) keeps it retired and brings no copy.
func TestBuiltinRetirementSticks(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		c := newClient(t, w.handler(t, nil))
		ctx := t.Context()
		if err := ingest.SyncBuiltins(ctx, st, "totto"); err != nil {
			t.Fatal(err)
		}
		var b store.Pattern
		for _, p := range must[[]store.Pattern](t)(st.Patterns(ctx, store.PatternFilter{})) {
			if strings.HasPrefix(p.Source, builtin.SourcePrefix) {
				b = p
				break
			}
		}
		tok := c.csrf("/try")
		r := c.post(fmt.Sprintf("/patterns/%d/retire", b.ID), url.Values{"csrf": {tok}, "reason": {"noisy"}})
		mustContain(t, r, 403, "only the operator")
		if err := st.RetirePattern(ctx, b.ID, store.OperatorActor("cli")); err != nil { // `totto patterns retire`
			t.Fatal(err)
		}
		if r := c.post(fmt.Sprintf("/patterns/%d/restore", b.ID), url.Values{"csrf": {tok}}); r.status != 403 {
			t.Errorf("undo of the operator's retirement in the UI: status %d, want 403", r.status)
		}
		if err := ingest.SyncBuiltins(ctx, st, "totto"); err != nil {
			t.Fatal(err)
		}
		for _, p := range must[[]store.Pattern](t)(st.Patterns(ctx, store.PatternFilter{Source: b.Source})) {
			if p.Name == b.Name {
				t.Fatalf("built-in %q came back as active pattern %d after ingest", b.Name, p.ID)
			}
		}
		if p := must[store.Pattern](t)(st.Pattern(ctx, b.ID)); p.Active() {
			t.Errorf("built-in %d active again", b.ID)
		}
	})
}

// redirectedPattern is the pattern a save, edit or undo redirected to.
func redirectedPattern(t *testing.T, st store.Store, r resp, what string) store.Pattern {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(r.header.Get("Location"), "/patterns/%d", &id); r.status != 303 || err != nil {
		t.Fatalf("%s: status %d to %q: %s", what, r.status, r.header.Get("Location"), r.body)
	}
	return must[store.Pattern](t)(st.Pattern(t.Context(), id))
}

// fieldDiff names the pattern-file fields and scope in which got differs from want ("" if none).
func fieldDiff(got, want store.Pattern) string {
	var d []string
	for _, f := range []struct {
		name      string
		got, want any
	}{{"name", got.Name, want.Name}, {"kind", got.Kind, want.Kind}, {"expression", got.Expr, want.Expr},
		{"tags", got.Tags, want.Tags}, {"description", got.Description, want.Description}, {"priority", got.Priority, want.Priority},
		{"jobs", got.Jobs, want.Jobs}, {"steps", got.Steps, want.Steps}, {"last_lines", got.LastLines, want.LastLines},
		{"then", got.Then, want.Then}, {"raw_marker", got.RawMarker, want.RawMarker}, {"source", got.Source, want.Source}, {"repository", got.RepoID, want.RepoID}} {
		if !reflect.DeepEqual(f.got, f.want) {
			d = append(d, fmt.Sprintf("%s (%v, want %v)", f.name, f.got, f.want))
		}
	}
	return strings.Join(d, ", ")
}

// must returns a helper that fails the test on error and returns the value.
func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
