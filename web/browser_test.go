package web

import (
	"context"
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

// TestBrowserTrySaveAndFollowMatch drives the UI as a user: open the patterns page, try a
// pattern, save it, see its matches after the rescan, and open the job page at the match.
func TestBrowserTrySaveAndFollowMatch(t *testing.T) {
	ctx := browser(t)
	w := seed(t, openSQLite(t))
	srv := httptest.NewServer(w.handler(t, nil))
	t.Cleanup(srv.Close)

	// The first action starts the browser; its context must carry no timeout (it would stop the
	// browser), later steps are bounded.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/patterns")); err != nil {
		t.Fatalf("start browser: %v", err)
	}
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(tctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	do("patterns page", chromedp.WaitVisible(chromedp.CSS("#patterns")))
	patternsText := text("#patterns")

	do("try a pattern", chromedp.Navigate(srv.URL+"/try"),
		chromedp.WaitVisible(chromedp.CSS("#expr")),
		chromedp.SendKeys(chromedp.CSS("#expr"), `undefined: \w+`),
		chromedp.Click(chromedp.CSS("#try-button")),
		chromedp.WaitVisible(chromedp.CSS("#try-summary")))
	hitFailed, hitGreen := text("#hit-failed"), text("#hit-green")

	do("save it", chromedp.SendKeys(chromedp.CSS("#name"), "undefined symbol"),
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
