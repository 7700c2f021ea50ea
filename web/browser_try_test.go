package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The streamed try page, once complete, reads as a summary above its hits with the "searching…"
// line gone: the stylesheet reorders what arrived last, without a script.
func TestBrowserTrySummaryAboveHits(t *testing.T) {
	ctx := browser(t)
	w := seed(t, openSQLite(t))
	srv := httptest.NewServer(w.handler(t, nil))
	t.Cleanup(srv.Close)
	do, _, tctx := drive(t, ctx, srv.URL+"/try?kind=literal&expr=undefined")
	do("trial page", chromedp.WaitVisible(chromedp.CSS("#try-summary")))
	layout, err := chromedp.Run(tctx, chromedp.Evaluate[[]float64](`[
		document.getElementById("try-summary").getBoundingClientRect().top,
		document.querySelector("#try-results .match").getBoundingClientRect().top,
		document.getElementById("try-searching").getBoundingClientRect().height]`))
	if err != nil {
		t.Fatalf("layout: %v", err)
	}
	if len(layout) != 3 || layout[0] >= layout[1] || layout[2] != 0 {
		t.Errorf("summary top %v, first hit top %v, searching line height %v: want the summary above the hits and no searching line",
			layout[0], layout[1], layout[2])
	}
}

// In Chromium, the first hit shows while the trial still reads an older log, before the summary.
func TestBrowserTryShowsFirstHitWhileScanning(t *testing.T) {
	ctx := browser(t)
	w := seed(t, openSQLite(t))
	older := w.addFailedJob(t, "b1", "compiling\nneedle in an older log\n")
	w.addFailedJob(t, "b2", "compiling\nneedle in the newest log\n")
	l, err := w.st.Log(t.Context(), *older.LogID)
	if err != nil {
		t.Fatal(err)
	}
	gb := &gatedBlobs{Store: w.blobs, key: l.StorageKey, asked: make(chan struct{}, 1), release: make(chan struct{})}
	srv := httptest.NewServer(w.handler(t, func(d *Deps) { d.Blobs = gb }))
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		select {
		case <-gb.release:
		default:
			close(gb.release)
		}
	})
	do, text, tctx := drive(t, ctx, srv.URL+"/try")
	do("try", chromedp.SendKeys(chromedp.CSS("#expr"), "needle"),
		chromedp.SetValue(chromedp.CSS("#kind"), "literal"),
		chromedp.Click(chromedp.CSS("#try-button")),
		chromedp.WaitVisible(chromedp.CSS("#try-results .match")))
	<-gb.asked // the trial is held on the older log
	first := text("#try-results .match")
	summaries, err := chromedp.Run(tctx, chromedp.Evaluate[int](`document.querySelectorAll("#try-summary").length`))
	if err != nil {
		t.Fatal(err)
	}
	searching := text("#try-searching")
	close(gb.release)
	do("the scan ends", chromedp.WaitVisible(chromedp.CSS("#try-summary")))
	if !strings.Contains(first, "needle in the newest log") || summaries != 0 || !strings.Contains(searching, "Searching") {
		t.Errorf("while scanning: first hit %q, %d summaries, searching line %q", first, summaries, searching)
	}
	if hits := text("#hit-failed"); hits != "2" {
		t.Errorf("after the scan: %s failed logs hit, want 2", hits)
	}
}
