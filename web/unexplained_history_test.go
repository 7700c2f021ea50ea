package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/store"
)

// The unexplained-failures page quotes the cause line the check run quotes: judged against the
// job's last green run when the store holds one, so a line every run prints does not hide the
// one only the failing run printed.
func TestUnexplainedUsesJobHistory(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		ctx := t.Context()
		body := func(extra ...string) string {
			lines := []string{"Run make check", "ERROR: optional plugin foo not installed (ignored)",
				"error: could not read ~/.config/tool.toml, using defaults"}
			for i := range 20 {
				lines = append(lines, fmt.Sprintf("checking module m%02d ... ok (%d ms)", i, 10+i))
			}
			return strings.Join(append(lines, extra...), "\n") + "\n"
		}
		for i, run := range []struct{ conclusion, log string }{
			{"success", body()},
			{"failure", body("checksum of build/out.bin differs from the recorded one", "Error: Process completed with exit code 2.")},
		} {
			at := testNow.Add(time.Duration(i-3) * time.Hour)
			j, err := st.UpsertJob(ctx, store.Job{Provider: "github-actions", ExternalID: fmt.Sprintf("hist-%d", i), Attempt: 1,
				RepoID: w.repo.ID, SHA: strings.Repeat(fmt.Sprint(i+4), 40), Branch: "main", Name: "check",
				Conclusion: run.conclusion, StartedAt: &at, CompletedAt: &at})
			if err != nil {
				t.Fatal(err)
			}
			l, err := ingest.StoreLog(ctx, st, w.blobs, strings.NewReader(run.log), 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.SetJobLog(ctx, j.ID, &l.ID, store.LogStored, ""); err != nil {
				t.Fatal(err)
			}
		}
		r := newClient(t, w.handler(t, nil)).get("/unexplained")
		mustContain(t, r, 200, "checksum of build/out.bin differs")
		mustNotContain(t, r, "could not read ~/.config/tool.toml") // the cause line without history
	})
}
