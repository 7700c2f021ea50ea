package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	"github.com/totto-ci/totto/store/storetest"
)

// BenchmarkPages renders every main page over the generated history (100 k jobs, 1 M matches,
// kept verdicts and cached cause lines; cached in the temporary directory or schema) on SQLite
// and Postgres. The budget is 300 ms a page (docs/web.md records the numbers). Generated logs
// have no content in the blob store, so the pattern page's context falls back to the stored
// match text after a failed open, which is what an expired log costs; /try, which reads logs, is
// left out.
func BenchmarkPages(b *testing.B) {
	migrate := func(u string) error {
		s, err := store.Open(b.Context(), u)
		if err != nil {
			return err
		}
		return s.Close()
	}
	b.Run("sqlite", func(b *testing.B) { benchPages(b, storetest.GenSQLite(b, storetest.DefaultGen, migrate)) })
	b.Run("postgres", func(b *testing.B) { benchPages(b, storetest.GenPostgres(b, storetest.DefaultGen, migrate)) })
}

func benchPages(b *testing.B, url string) {
	cfg := storetest.DefaultGen
	st, err := store.Open(b.Context(), url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	blobs, err := blob.OpenDir(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	probes := storetest.Generate(cfg).Probes
	w := &world{st: st, blobs: blobs}
	h, err := New(Deps{Store: st, Blobs: blobs, DevInsecure: true, Now: func() time.Time { return storetest.GenEnd }, Rescans: w.rescanQueue(b)})
	if err != nil {
		b.Fatal(err)
	}
	var repo string
	rs, err := st.Repositories(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range rs {
		if r.ID == probes.RepoID {
			repo = r.FullName
		}
	}
	for _, page := range []struct{ name, path string }{
		{"repositories", "/"},
		{"unexplained", "/unexplained"},
		{"unexplained-repo", "/unexplained?repo=" + repo},
		{"unexplained-search", "/unexplained?q=socket+cache"},
		{"unexplained-page2", "/unexplained?after=90000"},
		{"patterns", "/patterns"},
		{"pattern", fmt.Sprintf("/patterns/%d", probes.TopPatternID)},
		{"health", "/repos/" + repo + "/health?branch=" + probes.Branch},
		{"commit", "/repos/" + repo + "/commits/" + probes.SHA},
	} {
		b.Run(page.name, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, page.path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: %d %.300s", page.path, rec.Code, rec.Body.String())
				}
			}
		})
	}
}
