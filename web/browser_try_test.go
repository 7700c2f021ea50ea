package web

import (
	"net/http/httptest"
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
