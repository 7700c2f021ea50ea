package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserUntaggedPatternExplainsNothing walks as a user: from the unexplained group, make a
// pattern, save it untagged, and after the rescan the home page, /unexplained and the commit page
// still agree that the failure is unexplained (as the check run's verdict says: an untagged
// pattern explains nothing).
func TestBrowserUntaggedPatternExplainsNothing(t *testing.T) {
	ctx := browser(t)
	w := seed(t, openSQLite(t))
	srv := newClient(t, w.handler(t, nil)).srv

	do, text, _ := drive(t, ctx, srv.URL+"/unexplained")
	do("unexplained page", chromedp.WaitVisible(chromedp.CSS("#groups")))
	before := text("#groups")
	do("make a pattern from the group", chromedp.Click(chromedp.CSS(`#groups a[href^="/try?"]`)),
		chromedp.WaitVisible(chromedp.CSS("#try-summary")))
	do("save it untagged", chromedp.SendKeys(chromedp.CSS("#name"), "undefined Foo"),
		chromedp.SendKeys(chromedp.CSS("#repo"), "acme/widgets"),
		chromedp.Click(chromedp.CSS("#save-button")),
		chromedp.WaitVisible(chromedp.CSS("#saved")))
	w.waitRescan(t)

	do("home page", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("table")))
	home := text("table")
	do("unexplained again", chromedp.Navigate(srv.URL+"/unexplained"), chromedp.WaitVisible(chromedp.CSS("#groups")))
	after := text("#groups")
	do("commit page", chromedp.Navigate(srv.URL+"/repos/acme/widgets/commits/"+w.lint2.SHA), chromedp.WaitVisible(chromedp.CSS("#title")))
	title, conclusion := text("#title"), text(".verdict")

	if !strings.Contains(before, "undefined: Foo") || !strings.Contains(after, "undefined: Foo") {
		t.Errorf("the lint group before %q and after %q the save; want it listed both times", before, after)
	}
	if !strings.Contains(home, pct(1, 3)) || strings.Contains(home, pct(3, 3)) {
		t.Errorf("home page %q, want 1 of 3 failures explained", home)
	}
	if !strings.Contains(title, "1 new") || conclusion != "failure" {
		t.Errorf("commit page %q, conclusion %q; want 1 new, failure", title, conclusion)
	}
}
