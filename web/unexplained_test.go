package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

// /unexplained pages by job and searches cause lines and job names; a bad cursor or an
// over-long search is refused with the reason.
func TestUnexplainedPagingAndSearch(t *testing.T) {
	w := seed(t, openSQLite(t))
	ctx := t.Context()
	// 205 more unexplained failures with cached cause lines: more than one page.
	for i := range 205 {
		at := testNow.Add(-time.Duration(i) * time.Minute)
		j, err := w.st.UpsertJob(ctx, store.Job{Provider: "github-actions", ExternalID: fmt.Sprintf("many-%d", i), Attempt: 1, RepoID: w.repo.ID,
			SHA: strings.Repeat("c", 40), Branch: "main", Name: fmt.Sprintf("shard %d", i), Conclusion: "failure", CompletedAt: &at})
		if err != nil {
			t.Fatal(err)
		}
		l, err := w.st.PutLog(ctx, store.Log{SHA256: fmt.Sprintf("%064x", i+1000), RawSize: 1, Lines: 1, StorageKey: fmt.Sprintf("none-%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.st.SetJobLog(ctx, j.ID, &l.ID, store.LogStored, ""); err != nil {
			t.Fatal(err)
		}
		if err := w.st.PutCauseLine(ctx, l.ID, fmt.Sprintf("fatal: shard %d lost its lease", i)); err != nil {
			t.Fatal(err)
		}
	}
	c := newClient(t, w.handler(t, nil))
	first := c.get("/unexplained")
	mustContain(t, first, 200, "200 most recent failed jobs", "fatal: shard", `id="next-page"`)
	mustNotContain(t, first, "undefined: Foo") // the oldest failures are on the next page
	next := nextPageLink(t, first.body)
	second := c.get(strings.ReplaceAll(next, "&amp;", "&"))
	mustContain(t, second, 200, "earlier failed jobs", "undefined: Foo")
	mustNotContain(t, second, `id="next-page"`)

	found := c.get("/unexplained?q=" + url.QueryEscape("SHARD 7 LOST"))
	mustContain(t, found, 200, "1 most recent failed jobs", "fatal: shard 7 lost its lease")
	mustNotContain(t, found, "shard 17 lost", "undefined: Foo")
	byName := c.get("/unexplained?q=lint")
	mustContain(t, byName, 200, "2 most recent failed jobs", "undefined: Foo")
	mustContain(t, c.get("/unexplained?q=nothing+like+this"), 200, "No unexplained failure matches the search.")

	if r := c.get("/unexplained?after=junk"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "page cursor") {
		t.Errorf("bad cursor: %d %q", r.status, r.body)
	}
	if r := c.get("/unexplained?q=" + strings.Repeat("x", 201)); r.status != http.StatusBadRequest {
		t.Errorf("over-long search: %d", r.status)
	}
}

// nextPageLink is the href of the page's "earlier failures" link.
func nextPageLink(t *testing.T, body string) string {
	t.Helper()
	const mark = `id="next-page" href="`
	i := strings.Index(body, mark)
	if i < 0 {
		t.Fatal("no link to the next page")
	}
	rest := body[i+len(mark):]
	return rest[:strings.IndexByte(rest, '"')]
}
