package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// browser starts a headless Chromium for one test, or skips (fails under
// TOTTO_REQUIRE_CHROMIUM=1) when it is not installed.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("TOTTO_REQUIRE_CHROMIUM") == "1" {
			t.Fatalf("TOTTO_REQUIRE_CHROMIUM=1 but %s is missing: apt-get install -y chromium", chromiumPath)
		}
		t.Skipf("browser test skipped: %s not found (apt-get install -y chromium)", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return ctx
}

// drive opens start in the browser and returns a step runner and a text reader bounded by one
// minute, and their context. The first action starts the browser; its context must carry no
// timeout (it would stop the browser), later steps are bounded.
func drive(t *testing.T, ctx context.Context, start string) (do func(string, ...chromedp.Action[chromedp.Void]), text func(string) string, tctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(start)); err != nil {
		t.Fatalf("start browser: %v", err)
	}
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel)
	do = func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(tctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text = func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	return do, text, tctx
}

// TestBrowserTrySaveAndFollowMatch drives the UI as a user: open the patterns page, try a
// pattern, save it, see its matches after the rescan, and open the job page at the match.
func TestBrowserTrySaveAndFollowMatch(t *testing.T) {
	ctx := browser(t)
	w := seed(t, openSQLite(t))
	srv := httptest.NewServer(w.handler(t, nil))
	t.Cleanup(srv.Close)

	do, text, tctx := drive(t, ctx, srv.URL+"/patterns")
	do("patterns page", chromedp.WaitVisible(chromedp.CSS("#patterns")))
	patternsText := text("#patterns")

	do("try a pattern", chromedp.Navigate(srv.URL+"/try"),
		chromedp.WaitVisible(chromedp.CSS("#expr")),
		chromedp.SendKeys(chromedp.CSS("#expr"), `undefined: \w+`),
		chromedp.Click(chromedp.CSS("#try-button")),
		chromedp.WaitVisible(chromedp.CSS("#try-summary")))
	hitFailed, hitGreen := text("#hit-failed"), text("#hit-green")

	do("save it", chromedp.SendKeys(chromedp.CSS("#name"), "undefined symbol"),
		chromedp.SendKeys(chromedp.CSS("#repo"), "acme/widgets"),
		chromedp.Click(chromedp.CSS("#save-button")),
		chromedp.WaitVisible(chromedp.CSS("#saved")))
	w.waitRescan(t) // the save queued the rescan job; its matches show once it is done
	do("reload after the rescan", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#saved")))
	matchesText := text("#matches")

	do("open a match's job", chromedp.Click(chromedp.CSS("#matches a.job-link")),
		chromedp.WaitVisible(chromedp.CSS(".ln.matched mark")))
	location, err := chromedp.Run(tctx, chromedp.Location())
	if err != nil {
		t.Fatalf("location: %v", err)
	}
	highlighted := text(".ln.matched")

	if !strings.Contains(patternsText, "network timeout") {
		t.Errorf("patterns page shows %q", patternsText)
	}
	if hitFailed != "2" || hitGreen != "0" {
		t.Errorf("try: %s failed and %s green jobs hit, want 2 and 0", hitFailed, hitGreen)
	}
	if strings.Count(matchesText, "· lint ·") != 2 {
		t.Errorf("saved pattern's matches: %q", matchesText)
	}
	if !strings.Contains(location, "/jobs/") || !strings.HasSuffix(location, "#L2") {
		t.Errorf("job page at %q, want /jobs/…#L2", location)
	}
	if !strings.Contains(highlighted, "undefined: Foo") {
		t.Errorf("highlighted line %q", highlighted)
	}
}

// TestBrowserTenancy drives the UI as a signed-out visitor and as a signed-in user of another
// owner: neither sees, counts, changes or is told of acme's private repository and its patterns.
func TestBrowserTenancy(t *testing.T) {
	ctx := browser(t)
	w := seedTenants(t, openSQLite(t))
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { h.ServeHTTP(rw, r) }))
	t.Cleanup(srv.Close)
	h = w.tenantHandler(t, srv.URL)
	private := fmt.Sprintf("/patterns/%d", w.acmeOwn)

	do, text, tctx := drive(t, ctx, srv.URL+"/patterns")

	// Signed out: the patterns table holds nothing of acme/vault; its pattern's page asks to sign
	// in; saving is refused.
	do("patterns page", chromedp.WaitVisible(chromedp.CSS("#patterns")))
	if s := text("body"); strings.Contains(s, "vault own") || strings.Contains(s, "acme/vault") {
		t.Errorf("signed-out patterns page shows acme/vault: %q", s)
	}
	// Signed out, /try sends the visitor to GitHub's sign-in (here nobody is at the browser, so
	// sign-in fails): the trial form is never served.
	do("try signed out", chromedp.Navigate(srv.URL+"/try"), chromedp.WaitVisible(chromedp.CSS("body")))
	forms, err := chromedp.Run(tctx, chromedp.Evaluate[int](`document.querySelectorAll("#expr").length`))
	if err != nil {
		t.Fatalf("count trial forms: %v", err)
	}
	if s := strings.ToLower(text("body")); forms != 0 || !strings.Contains(s, "sign") {
		t.Errorf("signed-out /try served %d trial forms and %q", forms, s)
	}

	// mallory signs in (evil's owner, a plain member of acme).
	w.gh.browserUser = "mallory"
	do("sign in", chromedp.Navigate(srv.URL+"/login?return=/patterns"), chromedp.WaitVisible(chromedp.CSS("#patterns")))
	if s := text("header"); !strings.Contains(s, "mallory") {
		t.Fatalf("not signed in: header %q", s)
	}
	if s := text("body"); strings.Contains(s, "vault own") || strings.Contains(s, "acme/vault") {
		t.Errorf("wrong-tenant patterns page shows acme/vault: %q", s)
	}
	do("acme/vault's pattern", chromedp.Navigate(srv.URL+private), chromedp.WaitVisible(chromedp.CSS("body")))
	if s := text("body"); strings.Contains(s, "vault own") || !strings.Contains(s, "not found") {
		t.Errorf("wrong-tenant pattern page: %q", s)
	}
	do("try the secret", chromedp.Navigate(srv.URL+"/try"),
		chromedp.WaitVisible(chromedp.CSS("#expr")),
		chromedp.SendKeys(chromedp.CSS("#expr"), "s3cr3t-v"),
		chromedp.Click(chromedp.CSS("#try-button")),
		chromedp.WaitVisible(chromedp.CSS("#try-summary")))
	if hit := text("#hit-failed"); hit != "0" {
		t.Errorf("mallory's trial hit %s failed jobs, want 0 (the secret is only in acme/vault)", hit)
	}
	do("operator pattern", chromedp.Navigate(srv.URL+fmt.Sprintf("/patterns/%d", w.timeout)),
		chromedp.WaitVisible(chromedp.CSS("#operator-note")))
}
