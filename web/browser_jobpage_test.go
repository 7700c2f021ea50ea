package web

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// causeInView reports, in the browser, where the marked cause line is: inside the log pane's
// visible part, inside the window, and how far the pane is scrolled.
const causeInView = `(() => {
	const pane = document.getElementById("log"), line = pane && pane.querySelector(".ln.cause");
	if (!line) return "no cause line";
	const p = pane.getBoundingClientRect(), l = line.getBoundingClientRect();
	return JSON.stringify({inPane: l.top >= p.top && l.bottom <= p.bottom, inWindow: l.top >= 0 && l.bottom <= innerHeight,
		paneY: pane.scrollTop, text: line.textContent});
})()`

// TestBrowserJobPageAtTheCause opens a long log's job page in Chromium: the cause line is marked
// and scrolled into view in the log pane and the window, the top of the page states the cause, and
// the pages this layout serves fit a 375 px phone without horizontal overflow.
func TestBrowserJobPageAtTheCause(t *testing.T) {
	ctx := browser(t)
	w := seed(t, openSQLite(t))
	long := w.addJob(t, "long-b", strings.Repeat("e", 40),
		"integration_ubuntu_latest_xlarge_go1_24_3_postgres16_shard3of12_race_nightly_extended_suite", longLog(42), 5*time.Hour)
	srv := httptest.NewServer(w.handler(t, nil))
	t.Cleanup(srv.Close)
	jobURL := fmt.Sprintf("%s/jobs/%d", srv.URL, long.ID)

	do, text, tctx := drive(t, ctx, jobURL)
	do("job page", chromedp.WaitVisible(chromedp.CSS(".ln.cause")))
	where, err := chromedp.Run(tctx, chromedp.Evaluate[string](causeInView))
	if err != nil {
		t.Fatalf("cause line position: %v", err)
	}
	for _, want := range []string{`"inPane":true`, `"inWindow":true`, "error: checksum of build/out-42.bin"} {
		if !strings.Contains(where, want) {
			t.Errorf("cause line not in view: %s lacks %s", where, want)
		}
	}
	if strings.Contains(where, `"paneY":0,`) {
		t.Errorf("the log pane was not scrolled to the cause: %s", where)
	}
	if s := text("#focus"); !strings.Contains(s, "Likely cause") || !strings.Contains(s, "checksum of build/out-42.bin") {
		t.Errorf("top of the page: %q", s)
	}

	key := ""
	if _, k, ok, err := w.st.CauseShape(t.Context(), *long.LogID); err == nil && ok {
		key = k
	}
	for _, path := range []string{"/", fmt.Sprintf("/jobs/%d", long.ID), fmt.Sprintf("/jobs/%d?page=1", long.ID), "/failures/" + key, "/no/such/page"} {
		do("phone "+path, chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile), chromedp.Navigate(srv.URL+path),
			chromedp.WaitVisible(chromedp.CSS("main")))
		width, err := chromedp.Run(tctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatalf("width of %s: %v", path, err)
		}
		if width > 375 {
			t.Errorf("%s at 375 px is %d px wide", path, width)
		}
	}
	// The repositories table keeps its links on screen.
	do("phone repositories", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#repos")))
	right, err := chromedp.Run(tctx, chromedp.Evaluate[float64](`Math.max(...[...document.querySelectorAll("#repos a")].map(a => a.getBoundingClientRect().right))`))
	if err != nil {
		t.Fatalf("links of the repositories table: %v", err)
	}
	if right > 375 {
		t.Errorf("a repositories link ends at %.0f px, off a 375 px screen", right)
	}
}
