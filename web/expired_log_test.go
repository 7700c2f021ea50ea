package web

import (
	"fmt"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

// A job whose log retention expired says so, with the date and the setting, on its job page and
// its commit page (the one wording of store.Log.Expired), and keeps its verdict and matches.
func TestExpiredLogIsNamed(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		c := newClient(t, w.handler(t, nil))
		at := time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
		if l, err := st.ExpireLogs(t.Context(), []int64{*w.build.LogID}, at); err != nil || len(l) != 1 {
			t.Fatalf("expire: %v, %v", l, err)
		}
		want := "log expired on 2026-11-30 by retention (retention.logs_days)"
		r := c.get(fmt.Sprintf("/jobs/%d?page=3", w.build.ID))
		mustContain(t, r, 200, want, `id="verdict">flaky`, "network timeout")
		mustNotContain(t, r, "could not be read", fmt.Sprintf(`id="L%d"`, timeoutLine))
		mustContain(t, c.get("/repos/acme/widgets/commits/"+w.build.SHA), 200, want, "flaky")
	})
}
