package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
	"github.com/totto-ci/totto/verdicts"
)

// One meaning of "explained": saving an untagged pattern from an unexplained group explains
// nothing on any page (the verdict the check run states ignores untagged patterns); tagging it
// known-problem explains the group on every page once the rescan job has decided the verdicts
// again.
func TestOneMeaningOfExplained(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		c := newClient(t, w.handler(t, nil))
		commit := "/repos/acme/widgets/commits/" + w.lint2.SHA
		agree := func(explained bool) {
			t.Helper()
			home, unexpl, page := c.get("/"), c.get("/unexplained"), c.get(commit)
			rep, jobs, err := verdicts.FromStore(t.Context(), st, w.repo, w.lint2.SHA, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if err := verdicts.Apply(t.Context(), st, &rep, jobs); err != nil {
				t.Fatal(err)
			}
			kept, err := st.JobVerdicts(t.Context(), []int64{w.lint1.ID, w.lint2.ID})
			if err != nil {
				t.Fatal(err)
			}
			if explained {
				// build (flaky) and both lint failures (known problem): 3 of 3.
				mustContain(t, home, 200, `<td class="num">3</td><td class="num">`+pct(3, 3)+`</td>`)
				mustContain(t, unexpl, 200, "Every failure is explained.")
				mustNotContain(t, unexpl, "undefined: Foo")
				mustContain(t, page, 200, `check conclusion: <span class="verdict">success</span>`)
				mustNotContain(t, page, "1 new")
				for id, v := range kept {
					if v.Verdict != string(triage.KnownProblem) || !v.Explained || v.Stale {
						t.Errorf("kept verdict of job %d: %+v, want known-problem", id, v)
					}
				}
			} else {
				mustContain(t, home, 200, `<td class="num">3</td><td class="num">`+pct(1, 3)+`</td>`)
				mustContain(t, unexpl, 200, "undefined: Foo", fmt.Sprintf(`href="/jobs/%d"`, w.lint2.ID))
				mustContain(t, page, 200, `check conclusion: <span class="verdict">failure</span>`, "1 new")
				for id, v := range kept {
					if v.Verdict != string(triage.New) || v.Explained || v.Stale {
						t.Errorf("kept verdict of job %d: %+v, want new", id, v)
					}
				}
			}
			// The check run's text for the commit, from the same report, says the same.
			if title := triage.Title(rep); strings.Contains(title, "new") == explained {
				t.Errorf("check run title %q (explained: %v)", title, explained)
			}
		}
		agree(false)

		tok := c.csrf("/try")
		save := func(tags ...string) {
			t.Helper()
			r := c.post("/patterns", url.Values{"csrf": {tok}, "name": {"undefined Foo"}, "expr": {"undefined: Foo"}, "kind": {"literal"},
				"repo": {"acme/widgets"}, "tags": tags})
			if r.status != 303 {
				t.Fatalf("save: status %d: %s", r.status, r.body)
			}
			w.waitRescan(t)
		}
		save() // untagged: a match, not an explanation
		agree(false)
		save("known-problem")
		agree(true)
	})
}
