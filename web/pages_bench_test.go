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

// BenchmarkPages renders the patterns, pattern and health pages over the generated history
// (1 M matches, 100 k jobs; cached in the temporary directory). The budget is 200 ms a page.
// Generated logs have no content in the blob store, so the pattern page's context falls back to
// the stored match text after a failed open, which is what an expired log costs.
func BenchmarkPages(b *testing.B) {
	cfg := storetest.DefaultGen
	url := storetest.GenSQLite(b, cfg, func(u string) error {
		s, err := store.Open(b.Context(), u)
		if err != nil {
			return err
		}
		return s.Close()
	})
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
		{"patterns", "/patterns"},
		{"pattern", fmt.Sprintf("/patterns/%d", probes.TopPatternID)},
		{"health", "/repos/" + repo + "/health?branch=" + probes.Branch},
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
