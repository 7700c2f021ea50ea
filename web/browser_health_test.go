package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/totto-ci/totto/store"
)

// longJob is a job name as matrix builds write them, wider than a phone.
const longJob = "integration (ubuntu-latest, go 1.23, postgres 16, with the race detector on)"

// seedBusyBranch adds n older commits to main, each with three passing jobs, one of them with a
// long name, and a 16-shard matrix on two of them, so the grid is taller and wider than a phone.
func seedBusyBranch(t *testing.T, w *world, n int) {
	t.Helper()
	for i := range n {
		at := testNow.Add(-100*time.Hour - time.Duration(i)*time.Minute)
		sha := fmt.Sprintf("%040x", 0xe0000+i)
		names := []string{"build", "test", longJob}
		if i < 2 { // a matrix: more columns than a phone shows
			for k := range 16 {
				names = append(names, fmt.Sprintf("shard %d/16", k+1))
			}
		}
		for k, name := range names {
			if _, err := w.st.UpsertJob(t.Context(), store.Job{Provider: "github-actions", ExternalID: fmt.Sprintf("busy-%d-%d", i, k), Attempt: 1,
				RepoID: w.repo.ID, SHA: sha, Branch: "main", Name: name, Conclusion: "success", StartedAt: &at, CompletedAt: &at}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestBrowserHealthHUD drives the health page as a maintainer: the header row stays in view over
// 100+ commits; a click on a failed cell opens its detail with the full SHA filled in, and marking
// it known broken changes the cell. At 375 px the page itself never scrolls sideways: the grid
// scrolls in its own box with the commit column pinned.
func TestBrowserHealthHUD(t *testing.T) {
	ctx := browser(t)
	w := seed(t, openSQLite(t))
	seedBusyBranch(t, w, 110)
	srv := newClient(t, w.handler(t, nil)).srv
	c1 := w.lint1.SHA

	do, text, tctx := drive(t, ctx, srv.URL+"/repos/acme/widgets/health")
	eval := func(js string) float64 {
		t.Helper()
		v, err := chromedp.Run(tctx, chromedp.Evaluate[float64](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return v
	}
	do("health page", chromedp.WaitVisible(chromedp.CSS("#grid")))
	if rows := eval(`document.querySelectorAll("#grid tbody tr").length`); rows < 100 {
		t.Fatalf("%v rows, want 100+", rows)
	}
	// Scrolled to the bottom of the grid, the job header is still at the top of its box.
	scrolled := eval(`(() => { const w = document.querySelector("#hud"); w.scrollTop = w.scrollHeight; return w.scrollTop; })()`)
	offset := eval(`document.querySelector("#grid thead th.job").getBoundingClientRect().top - document.querySelector("#hud").getBoundingClientRect().top`)
	if scrolled <= 0 || offset < -1 || offset > 2 {
		t.Errorf("after scrolling the grid by %v px the header is %v px from its top, want sticky at 0", scrolled, offset)
	}
	title := eval(`document.querySelector('#grid a[aria-label="lint: new"]').title === "lint: new" ? 1 : 0`)
	if title != 1 {
		t.Error("a cell has no title saying its job and state")
	}

	cell := fmt.Sprintf(`#grid a[href*="sha=%s"][href*="job=lint"]`, c1)
	do("click c1's lint cell", chromedp.Click(chromedp.CSS(cell)), chromedp.WaitVisible(chromedp.CSS("#annotate")))
	from, err := chromedp.Run(tctx, chromedp.Value(chromedp.CSS(`#annotate input[name="from"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if from != c1 {
		t.Errorf("annotation form from %q, want the full SHA %s", from, c1)
	}
	if s := text("#cell"); !strings.Contains(s, "new") || !strings.Contains(s, "lint") {
		t.Errorf("cell detail %q", s)
	}
	do("mark it known broken", chromedp.SendKeys(chromedp.CSS(`#annotate input[name="reason"]`), "linter upgrade"),
		chromedp.Click(chromedp.CSS(`#annotate button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#annotations`)))
	w.waitRescan(t) // the annotation's verdicts are decided again by the rescan job it queued
	do("reload", chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#grid a[aria-label="lint: known broken"][href*="sha=`+c1+`"]`)))
	if s := text("#annotations"); !strings.Contains(s, "linter upgrade") || !strings.Contains(s, "open") {
		t.Errorf("annotations after marking: %q", s)
	}
	glyph := text(`#grid a[href*="sha=` + c1 + `"][href*="job=lint"]`)
	if glyph != "⊘" {
		t.Errorf("known-broken cell shows %q, want ⊘", glyph)
	}

	// A phone: no sideways page scroll, with and without a cell's detail open; the grid scrolls
	// inside its box and keeps the commit column in view.
	for _, path := range []string{"/repos/acme/widgets/health", strings.TrimPrefix(cellHref(c1, "lint"), srv.URL)} {
		do("phone "+path, chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile, chromedp.EmulateTouch),
			chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(chromedp.CSS("#grid")))
		if page := eval(`document.documentElement.scrollWidth`); page > 375 {
			t.Errorf("%s at 375 px: the page is %v px wide", path, page)
		}
		inner := eval(`(() => { const w = document.querySelector("#hud"); w.scrollLeft = w.scrollWidth; return w.scrollWidth - w.clientWidth; })()`)
		pinned := eval(`document.querySelector("#grid tbody th.commit").getBoundingClientRect().left - document.querySelector("#hud").getBoundingClientRect().left`)
		if inner <= 0 || pinned < -1 || pinned > 2 {
			t.Errorf("%s at 375 px: grid scrolls %v px inside its box, commit column at %v px, want > 0 and pinned at 0", path, inner, pinned)
		}
	}
}

// cellHref is the health page with a cell selected, as a grid cell links to it.
func cellHref(sha, job string) string {
	d := healthData{Branch: "main"}
	return "/repos/acme/widgets/health" + d.cellHref(sha, job)
}
