package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// longLogLines is the length of longLog: six job pages.
const longLogLines = 2700

// longLog is a GitHub Actions job log of longLogLines lines whose failure (a checksum mismatch
// naming build/out-N.bin) is on page 5, after a progress bar drawn with carriage returns, and
// followed by a post-job step.
func longLog(n int) string {
	const ts = "2026-03-10T10:00:00.0000000Z "
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, ts+fmt.Sprintf(format, args...)) }
	add("##[group]Run actions/checkout@v4")
	add("with: fetch-depth 1")
	add("##[endgroup]")
	for i := range 200 {
		add("fetching object %d", i)
	}
	add("##[group]Run make build")
	add("make build")
	add("##[endgroup]")
	for i := len(lines); i < 2395; i++ {
		add("compiling unit %d ... ok", i)
	}
	lines = append(lines, ts+"downloading fixtures 10%\rdownloading fixtures 50%\rdownloading fixtures 100%")
	add("error: checksum of build/out-%d.bin differs from the recorded one", n)
	add("make: *** [Makefile:12: build] Error 1")
	add("Post job cleanup.")
	for len(lines) < longLogLines-2 { // the progress line is three
		add("removing cache entry %d", len(lines))
	}
	return strings.Join(lines, "\n") + "\n"
}

// addJob stores a failed job of acme/widgets with its log.
func (w *world) addJob(t *testing.T, ext, sha, name, content string, ago time.Duration) store.Job {
	t.Helper()
	ctx := t.Context()
	at := testNow.Add(-ago)
	j, err := w.st.UpsertJob(ctx, store.Job{Provider: "github-actions", ExternalID: ext, Attempt: 1, RepoID: w.repo.ID, SHA: sha,
		Branch: "main", Name: name, Conclusion: "failure", StartedAt: &at, CompletedAt: &at})
	if err != nil {
		t.Fatal(err)
	}
	l, err := ingest.StoreLog(ctx, w.st, w.blobs, strings.NewReader(content), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.st.SetJobLog(ctx, j.ID, &l.ID, store.LogStored, ""); err != nil {
		t.Fatal(err)
	}
	j.LogID = &l.ID
	return j
}

// A failed job's page opens at its likely cause: the line and its neighbours at the top, the log
// on the cause's page with the line marked, the step holding it open and the others folded,
// progress frames folded; the same cause in an older job is its history; any line makes a pattern.
func TestJobPageOpensAtTheCause(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		c := newClient(t, w.handler(t, nil))
		older := w.addJob(t, "long-1", strings.Repeat("d", 40), "build (linux, go 1.24)", longLog(17), 30*time.Hour)
		newer := w.addJob(t, "long-2", strings.Repeat("e", 40), "build (linux, go 1.24)", longLog(42), 5*time.Hour)

		first := c.get(fmt.Sprintf("/jobs/%d", older.ID))
		r := c.get(fmt.Sprintf("/jobs/%d", newer.ID))
		line, key, ok, err := st.CauseShape(t.Context(), *newer.LogID)
		if err != nil || !ok || line <= linesPerPage {
			t.Fatalf("the page kept no cause beyond page 1: line %d, %t, %v", line, ok, err)
		}
		mustContain(t, first, 200, "Likely cause")
		mustContain(t, r, 200, "Likely cause", fmt.Sprintf(`<span class="ln cause" id="L%d">`, line),
			fmt.Sprintf("page %d of 6", (line-1)/linesPerPage+1), "checksum of build/out-42.bin differs",
			`<details class="fold" open><summary>Run make build`, `<details class="frames"><summary>2 progress updates overwritten`,
			`<details class="fold"><summary>Post job cleanup.`, fmt.Sprintf(`href="/jobs/%d/pattern?line=%d"`, newer.ID, line))
		// Its history: both jobs, since the older one, each as repository@sha · job · date.
		mustContain(t, r, 200, `Seen in 2 failed jobs since <a href="/jobs/`+fmt.Sprint(older.ID)+`">acme/widgets@dddddddd</a>`,
			"acme/widgets@eeeeeeee · build (linux, go 1.24) · 2026-03-11 07:00")
		if key != triage.ShapeKey("error: checksum of build/out-17.bin differs from the recorded one") {
			t.Errorf("kept shape key %q is not the cause line's", key)
		}
		// An explicit page is kept.
		mustContain(t, c.get(fmt.Sprintf("/jobs/%d?page=1", newer.ID)), 200, "page 1 of 6", `id="L1"`)

		// "+" on a line opens the trial prefilled from it, scoped to the repository.
		p := c.get(fmt.Sprintf("/jobs/%d/pattern?line=%d", newer.ID, line))
		loc, err := url.Parse(p.header.Get("Location"))
		if p.status != 303 || err != nil || loc.Path != "/try" {
			t.Fatalf("make a pattern: %d to %q", p.status, p.header.Get("Location"))
		}
		if q := loc.Query(); q.Get("repo") != "acme/widgets" || !strings.Contains(q.Get("expr"), "differs from the recorded one") {
			t.Errorf("make a pattern: trial of %v", q)
		}
		for _, bad := range []string{"line=0", "line=x", "line=999999"} {
			if r := c.get(fmt.Sprintf("/jobs/%d/pattern?%s", newer.ID, bad)); r.status != 400 && r.status != 404 {
				t.Errorf("make a pattern from %s: status %d", bad, r.status)
			}
		}

		// The failure's own page lists both, with the shape of the line.
		h := c.get("/failures/" + key)
		mustContain(t, h, 200, "Seen in 2 failed jobs", "acme/widgets@dddddddd · build (linux, go 1.24)", "acme/widgets@eeeeeeee",
			"checksum of build/out-&lt;n&gt;.bin differs")
		if r := c.get("/failures/" + strings.Repeat("0", 32)); r.status != 404 {
			t.Errorf("an unknown failure: status %d", r.status)
		}
		// The unexplained group links to it.
		mustContain(t, c.get("/unexplained"), 200, `href="/failures/`+key+`"`)
		// A pattern's history counts the failed jobs it matched (not the green one).
		mustContain(t, c.get(fmt.Sprintf("/patterns/%d", w.timeout)), 200,
			fmt.Sprintf(`Seen in 1 failed job since <a href="/jobs/%d">acme/widgets@aaaaaaaa</a>`, w.build.ID))
	})
}
