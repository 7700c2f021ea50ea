package web

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/store"
)

// TestBrowserEditScopedPattern drives "Edit" on a repository pattern that uses every field of the
// file format: the form opens filled in, the user changes the expression and saves, and the new
// version keeps the repository scope, steps, priority, last_lines and then.
func TestBrowserEditScopedPattern(t *testing.T) {
	ctx := browser(t)
	w := seed(t, openSQLite(t))
	id := must[[]store.PatternChange](t)(w.st.AddPatterns(t.Context(), []store.Pattern{fullPattern(w)}, "alice"))[0].ID
	srv := httptest.NewServer(w.handler(t, nil))
	t.Cleanup(srv.Close)

	do, text, tctx := drive(t, ctx, fmt.Sprintf("%s/patterns/%d", srv.URL, id))
	do("open the edit form", chromedp.WaitVisible(chromedp.CSS("#edit")), chromedp.Click(chromedp.CSS("#edit")),
		chromedp.WaitVisible(chromedp.CSS("#editing")))
	value := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(tctx, chromedp.Value(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("value of %s: %v", sel, err)
		}
		return v
	}
	for sel, want := range map[string]string{"#repo": "acme/widgets", "#steps": "Run lint", "#priority": "7", "#last_lines": "400",
		"#then_expr": "exit 1", "#then_within": "3", "#jobs": "lint*"} {
		if got := value(sel); got != want {
			t.Errorf("edit form %s = %q, want %q", sel, got, want)
		}
	}
	do("change the expression and save", chromedp.SetValue(chromedp.CSS("#expr"), `undefined: Foo\b`),
		chromedp.Click(chromedp.CSS("#save-button")), chromedp.WaitVisible(chromedp.CSS("#saved")))
	meta, then := text("#pattern-meta"), text("#then-expr")
	if s := text("#scope"); s != "acme/widgets" {
		t.Errorf("the edit saved scope %q, want acme/widgets", s)
	}
	for _, want := range []string{"jobs lint*", "steps Run lint", "priority 7", "last 400 lines"} {
		if !strings.Contains(meta, want) {
			t.Errorf("the edited pattern lost %q: %q", want, meta)
		}
	}
	if then != "exit 1" || text("#expr") != `undefined: Foo\b` {
		t.Errorf("edited pattern: expression %q, then %q", text("#expr"), then)
	}
}

// TestBrowserPatternsPhoneWidth: at 375 px the patterns page, a pattern's page and the pattern
// form fit the viewport (no horizontal scrolling of the page), with long names and descriptions.
func TestBrowserPatternsPhoneWidth(t *testing.T) {
	ctx := browser(t)
	w := seed(t, openSQLite(t))
	if err := ingest.SyncBuiltins(t.Context(), w.st, "totto"); err != nil {
		t.Fatal(err)
	}
	long := fullPattern(w)
	long.Name = strings.Repeat("a-very-long-pattern-name-without-spaces-", 4)
	long.Description = "see https://example.com/" + strings.Repeat("runbook/", 20)
	id := must[[]store.PatternChange](t)(w.st.AddPatterns(t.Context(), []store.Pattern{long}, "alice"))[0].ID
	srv := httptest.NewServer(w.handler(t, nil))
	t.Cleanup(srv.Close)

	do, _, tctx := drive(t, ctx, srv.URL+"/patterns")
	do("phone viewport", chromedp.EmulateViewport(375, 800))
	for _, page := range []string{"/patterns", fmt.Sprintf("/patterns/%d", id), fmt.Sprintf("/try?replaces=%d", id)} {
		do("open "+page, chromedp.Navigate(srv.URL+page), chromedp.WaitVisible(chromedp.CSS("main")))
		width, err := chromedp.Run(tctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatalf("page width of %s: %v", page, err)
		}
		if width > 375 {
			t.Errorf("%s is %d px wide in a 375 px viewport", page, width)
		}
	}
}
