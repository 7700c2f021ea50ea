package web

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

// The health page is a HUD: commits (message, author, pull request) by job, newest first, with
// commits pushed but not yet built among them; each cell a glyph with a colour and a label; a job
// filter; a clicked cell's detail with the annotation form holding the full SHA.
func TestHealthHUD(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		c1, c2, c3 := w.lint1.SHA, w.lint2.SHA, strings.Repeat("d", 40)
		at := testNow.Add(-60 * time.Hour)
		if err := st.RecordBranchCommits(t.Context(), w.repo.ID, "main", []store.BranchCommit{
			{SHA: c1, Message: "Merge pull request #41 from acme/speedup", Author: "bo", PushedAt: at},
			{SHA: c2, Message: "Fix the linter (#42)", Author: "ana", PushedAt: at.Add(30 * time.Hour)},
		}); err != nil {
			t.Fatal(err)
		}
		if err := st.RecordBranchCommits(t.Context(), w.repo.ID, "main", []store.BranchCommit{{SHA: c3, Message: "Bump <deps>", Author: "cy", PushedAt: testNow.Add(-time.Hour)}}); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, w.handler(t, nil))
		r := c.get("/repos/acme/widgets/health")
		mustContain(t, r, 200, "Bump &lt;deps&gt;", "Fix the linter (#42)", `href="https://github.com/acme/widgets/pull/42">#42</a>`,
			`href="https://github.com/acme/widgets/pull/41">#41</a>`, ">ana<", ">bo<",
			`aria-label="lint: new">✗</a>`, `aria-label="build: flaky">~</a>`, `aria-label="test: passed">✓</a>`,
			`class="swatch cell known-broken"`, `class="swatch cell pending"`, "the last 3 commits")
		i3, i2, i1 := strings.Index(r.body, "Bump &lt;deps&gt;"), strings.Index(r.body, "#42</a>"), strings.Index(r.body, "#41</a>")
		if i3 < 0 || i2 < i3 || i1 < i2 {
			t.Errorf("rows not newest first: c3 at %d, c2 at %d, c1 at %d", i3, i2, i1)
		}
		if strings.Contains(r.body, `id="cell"`) {
			t.Error("a cell is selected before any click")
		}

		r = c.get("/repos/acme/widgets/health?jobs=LI*")
		mustContain(t, r, 200, `title="lint"`, "1 of 4 jobs")
		mustNotContain(t, r, `title="build"`, `aria-label="test: passed"`)
		if r := c.get("/repos/acme/widgets/health?jobs=" + url.QueryEscape("li\u202ent")); r.status != 400 {
			t.Errorf("a filter with a bidi control: status %d, want 400", r.status)
		}

		r = c.get("/repos/acme/widgets/health?" + url.Values{"sha": {c1}, "job": {"lint"}}.Encode())
		mustContain(t, r, 200, `id="cell"`, `name="from" required value="`+c1+`"`, `name="job" required value="lint"`)
		mustNotContain(t, r, "Mark fixed here") // nothing is open yet
		if r := c.get("/repos/acme/widgets/health?" + url.Values{"sha": {c3}, "job": {"lint"}}.Encode()); strings.Contains(r.body, `id="cell"`) {
			t.Error("a cell that is not in the grid was selected")
		}
	})
}

// The weekly chart counts the verdicts the grid shows: a known-broken annotation explains the lint
// failures in both, although no pattern matches their logs.
func TestHealthChartFollowsVerdicts(t *testing.T) {
	w := seed(t, openSQLite(t))
	c := newClient(t, w.handler(t, nil))
	mustContain(t, c.get("/repos/acme/widgets/health"), 200, "2026-03-09: 100\u00a0% of commits", `aria-label="lint: new"`)
	tok := c.csrf("/repos/acme/widgets/health")
	if r := c.post("/repos/acme/widgets/annotations", url.Values{"csrf": {tok}, "job": {"lint"}, "from": {w.lint1.SHA}}); r.status != 303 {
		t.Fatalf("open annotation: %d %s", r.status, r.body)
	}
	w.waitRescan(t) // the annotation's verdicts are decided again by the rescan job it queued
	r := c.get("/repos/acme/widgets/health")
	mustContain(t, r, 200, "2026-03-09: 0\u00a0% of commits", `aria-label="lint: known broken"`)
	mustNotContain(t, r, `aria-label="lint: new"`)
	mustContain(t, c.get("/repos/acme/widgets/health?"+url.Values{"sha": {w.lint2.SHA}, "job": {"lint"}}.Encode()), 200, "Mark fixed here", `name="to" value="`+w.lint2.SHA+`"`)
}

func TestPullRequestOf(t *testing.T) {
	for msg, want := range map[string]int{
		"Fix the linter (#42)":                   42,
		"Fix the linter (#42)  ":                 42,
		"Merge pull request #7 from acme/branch": 7,
		"Revert \"Fix (#42)\"":                   0,
		"Refs #42":                               0,
		"Fix (#99999999999)":                     0,
		"":                                       0,
		"Merge pull request #x from acme/branch": 0,
	} {
		if got := pullRequestOf(msg); got != want {
			t.Errorf("pullRequestOf(%q) = %d, want %d", msg, got, want)
		}
	}
}
