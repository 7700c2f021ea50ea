package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	"github.com/totto-ci/totto/store/storetest"
)

// BenchmarkPages renders every main page over the generated history (100 k jobs, 1 M matches,
// kept verdicts, cached cause lines and their shape keys, recorded failing tests; cached in the
// temporary directory or schema) on SQLite and Postgres. The budget is 300 ms a page
// (docs/web.md records the numbers). Each page reports its time as a multiple of the 404 page's
// ("x404"), measured in the same iterations: the 404 page goes through the same handler, session
// and layout with no data to read, so the ratio is what the page's own queries and rendering cost
// and moves less than milliseconds with the machine's load. "cpu-ms/op" is this process's CPU
// time (user and system) a page: all of its work on SQLite, the client's share on Postgres; it
// is what a loaded machine inflates least. Generated logs have no content in the
// blob store, so the pattern page's context falls back to the stored match text after a failed
// open, which is what an expired log costs, and the job page shows its log as unreadable; /try,
// which reads logs, is left out.
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
	h, err := New(Deps{Store: st, Blobs: blobs, DevInsecure: true, Now: func() time.Time { return storetest.GenEnd }, Rescans: noRescans{}})
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
		{"job", fmt.Sprintf("/jobs/%d", probes.FailedJobID)},
		{"failure", "/failures/" + probes.ShapeKey},
		{"tests", "/repos/" + repo + "/tests"},
	} {
		b.Run(page.name, func(b *testing.B) {
			var peers []time.Duration
			var cpu time.Duration
			for b.Loop() {
				before := processCPU()
				get(b, h, page.path, http.StatusOK)
				cpu += processCPU() - before
				b.StopTimer()
				for range peerSamples {
					start := time.Now()
					get(b, h, "/no-such-page", http.StatusNotFound)
					peers = append(peers, time.Since(start))
				}
				b.StartTimer()
			}
			// The peer's median: one 404 takes well under a millisecond, so a single
			// preemption on a loaded machine would otherwise swing the ratio tenfold.
			slices.Sort(peers)
			perOp := float64(b.Elapsed()) / float64(b.N)
			b.ReportMetric(perOp/float64(max(peers[len(peers)/2], 1)), "x404")
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}

// noRescans is the rescan queue of a benchmark that only reads pages: a running job queue would
// poll the database beside them (its test poll interval is 20 ms) and count in their CPU time.
type noRescans struct{}

func (noRescans) QueueRescan(context.Context) error {
	return errors.New("the page benchmark queues no rescan")
}

// peerSamples is how many 404 pages are timed after each page.
const peerSamples = 11

// get serves one GET through the whole handler and fails the benchmark on an unexpected status.
func get(b *testing.B, h http.Handler, path string, want int) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != want {
		b.Fatalf("GET %s: %d %.300s", path, rec.Code, rec.Body.String())
	}
}
