package web

import (
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/store"
)

// TestDiagnosisOnPages: the commit page shows a pattern's precision record next to its verdict,
// and the unexplained-failures page never shows a secret, neither in the example line nor in the
// masked shape nor in the pre-filled pattern.
func TestDiagnosisOnPages(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		ctx := t.Context()
		at := testNow.Add(-time.Hour)
		j, err := st.UpsertJob(ctx, store.Job{Provider: "github-actions", ExternalID: "secret-1", Attempt: 1, RepoID: w.repo.ID,
			SHA: strings.Repeat("c", 40), Branch: "main", Name: "deploy", Conclusion: "failure", StartedAt: &at, CompletedAt: &at})
		if err != nil {
			t.Fatal(err)
		}
		l, err := ingest.StoreLog(ctx, st, w.blobs, strings.NewReader("deploy\nerror: push rejected for token "+secretToken+"\n"), 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetJobLog(ctx, j.ID, &l.ID, store.LogStored, ""); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, w.handler(t, nil))

		r := c.get("/repos/acme/widgets/commits/" + w.build.SHA)
		mustContain(t, r, 200, "pattern record: 2 hits so far", "1 on successful jobs")

		r = c.get("/unexplained")
		mustContain(t, r, 200, "push rejected for token")
		mustNotContain(t, r, secretToken, secretToken[:24])
	})
}
