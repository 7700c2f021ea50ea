package scan_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
)

// A Pass stores, scans and extracts the failing tests of a new log in one read: once the
// tenant's pattern set is known, the matches it records are those a rescan of the stored content
// finds, without opening that content (deleted here before Record); a pattern added since makes
// it read the stored log instead, and the watermark ends exact either way.
func TestPassScansWhileStoring(t *testing.T) {
	eachBackend(t, func(t *testing.T, st store.Store, _ string) {
		ctx := t.Context()
		blobs := tempBlobs(t)
		r := testRepo(t, st)
		reset := addPatterns(t, st, lit("reset", "connection reset"))[0]
		scoped := lit("lint only", "FAIL")
		scoped.Jobs = []string{"lint"}
		addPatterns(t, st, scoped)
		cache := scan.NewMatcherCache()
		n := 0
		// store runs one job's log through a Pass the way the App does; dropContent deletes the
		// stored content before the scan is recorded.
		store1 := func(content string, dropContent bool) (scan.RescanResult, store.Log, store.Job, *scan.Pass) {
			t.Helper()
			n++
			pass := scan.NewPass(cache, "o/r", "unit")
			l, err := ingest.StoreLogReading(ctx, st, blobs, strings.NewReader(content), 0, pass.Read)
			if err != nil {
				t.Fatal(err)
			}
			j, err := st.UpsertJob(ctx, store.Job{Provider: "ingest", ExternalID: strings.Repeat("x", n), RepoID: r.ID, SHA: "s",
				Name: "unit", Conclusion: "failure", LogID: &l.ID, LogState: store.LogStored})
			if err != nil {
				t.Fatal(err)
			}
			if dropContent {
				if err := blobs.Delete(ctx, l.StorageKey); err != nil {
					t.Fatal(err)
				}
			}
			res, err := pass.Record(ctx, st, blobs, l.ID)
			if err != nil {
				t.Fatal(err)
			}
			return res, l, j, pass
		}
		lines := func(l store.Log) []int {
			t.Helper()
			ms, err := st.Matches(ctx, store.MatchFilter{LogID: l.ID})
			if err != nil {
				t.Fatal(err)
			}
			var out []int
			for _, m := range ms {
				out = append(out, m.Line)
			}
			slices.Sort(out)
			return out
		}
		pendingAfter := func(l store.Log) {
			t.Helper()
			ps, err := st.PendingScans(ctx, l.ID-1, 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) == 1 && ps[0].LogID == l.ID {
				t.Errorf("log %d still pending after its pass: %+v", l.ID, ps[0])
			}
		}

		// The tenant's first log: no known pattern set, so the stored log is read to scan it.
		res, l1, _, _ := store1("start\nconnection reset by peer\nFAIL\n", false)
		if res.Done != 1 || res.Matches != 1 || !slices.Equal(lines(l1), []int{2}) {
			t.Fatalf("first log: %+v, lines %v; want the reset on line 2 (FAIL is lint's)", res.RescanProgress, lines(l1))
		}
		pendingAfter(l1)

		// The second: scanned in the pass (its stored content is gone before Record).
		res, l2, j2, pass := store1("a\nb\nconnection reset\nconnection reset again\n"+goFailure, true)
		if len(res.Failures) != 0 || res.Done != 1 || !slices.Equal(lines(l2), []int{3, 4}) {
			t.Fatalf("second log: %+v %v, lines %v; want the resets on lines 3 and 4 from the pass", res.RescanProgress, res.Failures, lines(l2))
		}
		pendingAfter(l2)
		if l2.Lines != 4+strings.Count(goFailure, "\n") {
			t.Errorf("lines counted by the pass: %d", l2.Lines)
		}
		tests := pass.Tests()
		if len(tests.Tests) != 1 || tests.Tests[0].Name != "TestParse/empty" {
			t.Fatalf("tests extracted by the pass: %+v", tests.Tests)
		}
		if err := scan.RecordFoundTests(ctx, st, j2, tests, time.Now(), nil); err != nil {
			t.Fatal(err)
		}
		if ts, err := st.JobTests(ctx, j2.ID); err != nil || len(ts) != 1 || ts[0].Name != "TestParse/empty" {
			t.Errorf("recorded tests: %+v, %v", ts, err)
		}

		// A pattern added since the tenant's set was learnt: the pass's guess is stale, so the
		// stored log is read (the content is needed: deleting it makes the scan fail).
		timeout := addPatterns(t, st, lit("timeout", "timed out"))[0]
		res, l3, _, _ := store1("connection reset\nwaiting\ntimed out\n", false)
		if res.Done != 1 || !slices.Equal(lines(l3), []int{1, 3}) {
			t.Fatalf("after a new pattern: %+v, lines %v; want reset (1) and timeout (3)", res.RescanProgress, lines(l3))
		}
		pendingAfter(l3)
		res, l4, _, _ := store1("timed out\nconnection reset\n", true)
		if len(res.Failures) != 0 || !slices.Equal(lines(l4), []int{1, 2}) {
			t.Fatalf("the new set learnt: %+v %v, lines %v", res.RescanProgress, res.Failures, lines(l4))
		}
		ms, err := st.Matches(ctx, store.MatchFilter{LogID: l4.ID})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, m := range ms {
			ids = append(ids, m.PatternID)
		}
		slices.Sort(ids)
		if !slices.Equal(ids, []int64{reset, timeout}) {
			t.Errorf("patterns matched: %v, want %v", ids, []int64{reset, timeout})
		}
		// The same content stored again is the same, already scanned log: nothing to record.
		if res, _, _, _ := store1("timed out\nconnection reset\n", false); res.Done != 0 {
			t.Errorf("the same content again was scanned again: %+v", res.RescanProgress)
		}
	})
}
