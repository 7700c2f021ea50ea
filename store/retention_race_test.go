package store_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
)

// pruneAfterPut is the log store of a re-ingest that a prune interrupts: right after the
// re-ingest writes the content, and before it records the log (PutLog), the prune runs to the
// end — the interleaving in which a prune deletes what a re-ingest just wrote.
type pruneAfterPut struct {
	blob.Store
	prune func()
}

func (p *pruneAfterPut) Put(ctx context.Context, r io.Reader) (blob.Object, error) {
	obj, err := p.Store.Put(ctx, r)
	if p.prune != nil {
		prune := p.prune
		p.prune = nil
		prune()
	}
	return obj, err
}

// A re-ingest of content that retention is deleting at that moment ends with a live log whose
// content is readable (the log's row is revived and the content stored again), for content
// expired by retention.logs_days and for a log whose last job retention.jobs_months deletes.
func TestRetentionRaceWithReingest(t *testing.T) {
	for name, r := range map[string]store.Retention{"logs": {Logs: month}, "jobs": {Jobs: month}} {
		t.Run(name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, st store.Store, _ string) {
				w := newRetentionWorld(t, st)
				var rep store.PruneReport
				racing := &pruneAfterPut{Store: w.blobs, prune: func() {
					var err error
					rep, err = store.Prune(t.Context(), w.st, w.blobs, r, time.Now().Add(100*24*time.Hour), false)
					if err != nil {
						t.Error(err)
					}
				}}
				l, err := ingest.StoreLog(t.Context(), w.st, racing, strings.NewReader("log a\nBOOM a\n"), 0)
				if err != nil {
					t.Fatal(err)
				}
				if rep.ExpiredLogs+rep.DeletedLogs != 1 {
					t.Fatalf("the prune did not remove log a during the re-ingest: %+v", rep)
				}
				got, err := w.st.Log(t.Context(), l.ID)
				if err != nil || got.ExpiredAt != nil || got.SHA256 != w.a.SHA256 {
					t.Fatalf("re-ingested log: %+v, %v; want a live row", got, err)
				}
				if !w.readable(got) {
					t.Error("the re-ingested log's row is live but its content is gone")
				}
				// A revived log is scanned again (a log whose job was deleted lost its matches).
				pend, err := w.st.PendingScans(t.Context(), 0, 10)
				if err != nil {
					t.Fatal(err)
				}
				if name == "jobs" && (len(pend) != 1 || pend[0].LogID != l.ID) {
					t.Errorf("pending scans after the revival: %+v, want log %d", pend, l.ID)
				}
			})
		})
	}
}

// Rows of logs no job uses are removed once their content is: none is left behind by a prune of
// old jobs, and a later prune finds nothing more.
func TestRetentionJobsLeaveNoOrphanLogs(t *testing.T) {
	eachBackend(t, func(t *testing.T, st store.Store, _ string) {
		w := newRetentionWorld(t, st)
		w.prune(t, store.Retention{Jobs: month}, false)
		if orphans, err := w.st.OrphanLogs(t.Context(), 0); err != nil || len(orphans) != 0 {
			t.Errorf("orphan logs after prune: %+v, %v", orphans, err)
		}
		if rep := w.prune(t, store.Retention{Jobs: month, Logs: month}, false); rep != (store.PruneReport{}) {
			t.Errorf("second prune: %+v, want nothing", rep)
		}
	})
}
