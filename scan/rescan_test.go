package scan_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	"github.com/totto-ci/totto/store/postgres"
	"github.com/totto-ci/totto/store/sqlite"
	"github.com/totto-ci/totto/store/storetest"
)

// eachBackend runs fn against a fresh SQLite store and a fresh Postgres schema.
func eachBackend(t *testing.T, fn func(t *testing.T, st store.Store, url string)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		url := "sqlite:" + filepath.Join(t.TempDir(), "totto.db")
		st, err := sqlite.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, st, url)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		url := storetest.PostgresURL(t)
		st, err := postgres.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, st, url)
	})
}

// tempBlobs is a log store of the test's own.
func tempBlobs(t *testing.T) blob.Store {
	t.Helper()
	blobs, err := blob.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return blobs
}

// testRepo records (or returns) the repository every job of these tests belongs to.
func testRepo(t *testing.T, st store.Store) store.Repository {
	t.Helper()
	r, err := st.UpsertRepository(t.Context(), store.Repository{FullName: "o/r", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// ingestJob stores a job and its log the way `totto ingest` does.
func ingestJob(t *testing.T, st store.Store, blobs blob.Store, ext, name, content string) store.Log {
	t.Helper()
	ctx := t.Context()
	r := testRepo(t, st)
	l, err := ingest.StoreLog(ctx, st, blobs, strings.NewReader(content), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertJob(ctx, store.Job{Provider: "ingest", ExternalID: ext, RepoID: r.ID, SHA: "s", Name: name, LogID: &l.ID}); err != nil {
		t.Fatal(err)
	}
	return l
}

func addPatterns(t *testing.T, st store.Store, ps ...store.Pattern) []int64 {
	t.Helper()
	ch, err := st.AddPatterns(t.Context(), ps, "test")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range ch {
		ids = append(ids, c.ID)
	}
	return ids
}

func lit(name, expr string) store.Pattern {
	return store.Pattern{Pattern: patterns.Pattern{Name: name, Kind: patterns.Literal, Expr: expr, Source: "test"}}
}

// matchKeys renders matches as sortable strings for comparison.
func matchKeys(t *testing.T, st store.Store) []string {
	t.Helper()
	ms, err := st.Matches(t.Context(), store.MatchFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, fmt.Sprintf("log%d/p%d/L%d/%d-%d/%s", m.LogID, m.PatternID, m.Line, m.Start, m.End, m.Text))
	}
	slices.Sort(out)
	return out
}

func TestRescanIncremental(t *testing.T) {
	eachBackend(t, func(t *testing.T, st store.Store, _ string) {
		ctx := t.Context()
		blobs := tempBlobs(t)
		l1 := ingestJob(t, st, blobs, "1", "build", "ok\nE: Hash Sum mismatch\nfatal: OOM Killed\n")
		l2 := ingestJob(t, st, blobs, "2", "test", "\x1b[31mOOM Killed\x1b[0m\r\ndone\n")
		if l1.Lines != 3 || l2.Lines != 2 {
			t.Fatalf("line counts %d, %d; want 3, 2", l1.Lines, l2.Lines)
		}
		ids := addPatterns(t, st, lit("apt", "Hash Sum mismatch"), lit("oom", "OOM Killed"))
		res, err := scan.Rescan(ctx, st, blobs, scan.RescanOptions{Workers: 2})
		if err != nil || res.Done != 2 || res.Matches != 3 || len(res.Failures) != 0 || res.Total != 2 {
			t.Fatalf("rescan: %+v, %v", res, err)
		}
		want := []string{
			fmt.Sprintf("log%d/p%d/L2/3-20/E: Hash Sum mismatch", l1.ID, ids[0]),
			fmt.Sprintf("log%d/p%d/L3/7-17/fatal: OOM Killed", l1.ID, ids[1]),
			fmt.Sprintf("log%d/p%d/L1/0-10/OOM Killed", l2.ID, ids[1]),
		}
		slices.Sort(want)
		if got := matchKeys(t, st); !slices.Equal(got, want) {
			t.Fatalf("matches:\n%v\nwant\n%v", got, want)
		}
		// Nothing new: nothing scanned.
		res, err = scan.Rescan(ctx, st, blobs, scan.RescanOptions{})
		if err != nil || res.Done != 0 {
			t.Fatalf("second rescan: %+v, %v", res, err)
		}
		// A new pattern: only it is scanned, over every log.
		newID := addPatterns(t, st, lit("done", "done"))[0]
		res, err = scan.Rescan(ctx, st, blobs, scan.RescanOptions{})
		if err != nil || res.Done != 2 || res.Matches != 1 {
			t.Fatalf("rescan after a new pattern: %+v, %v", res, err)
		}
		ms, _ := st.Matches(ctx, store.MatchFilter{PatternID: newID})
		if len(ms) != 1 || ms[0].LogID != l2.ID || ms[0].Line != 2 {
			t.Fatalf("matches of the new pattern: %+v", ms)
		}
		if s, _ := st.Stats(ctx); s.UnscannedPairs != 0 || s.Matches != 4 {
			t.Fatalf("stats %+v", s)
		}
	})
}

func TestRescanCorruptLog(t *testing.T) {
	eachBackend(t, func(t *testing.T, st store.Store, _ string) {
		ctx := t.Context()
		dir := t.TempDir()
		blobs, err := blob.OpenDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var bad store.Log
		for i := range 5 {
			l := ingestJob(t, st, blobs, fmt.Sprint(i), "j", fmt.Sprintf("log %d\nerror here\n", i))
			if i == 2 {
				bad = l
			}
		}
		if err := os.WriteFile(filepath.Join(dir, bad.StorageKey), []byte("\x1f\x8b garbage"), 0o644); err != nil {
			t.Fatal(err)
		}
		addPatterns(t, st, lit("err", "error here"))
		res, err := scan.Rescan(ctx, st, blobs, scan.RescanOptions{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if res.Done != 4 || res.Failed != 1 || len(res.Failures) != 1 || res.Failures[0].LogID != bad.ID || !scan.IsCorrupt(res.Failures[0].Err) {
			t.Fatalf("rescan with a corrupt log: %+v", res)
		}
		if s, _ := st.Stats(ctx); s.Matches != 4 || s.UnscannedPairs != 1 {
			t.Fatalf("stats %+v: want 4 matches, the corrupt log still pending", s)
		}
	})
}

// A stored log with binary bytes (stored before ingest refused binary content) scans into clean
// UTF-8 match text.
func TestRescanBinaryLog(t *testing.T) {
	eachBackend(t, func(t *testing.T, st store.Store, _ string) {
		ctx := t.Context()
		blobs := tempBlobs(t)
		content := "\x00\x01\x02ELF\xff\xfe\n\xc3\x28 error: bad \x00 byte\x80\n"
		if _, err := ingest.StoreLog(ctx, st, blobs, strings.NewReader(content), 0); !errors.Is(err, ingest.ErrBinary) {
			t.Fatalf("ingest of binary content: %v, want ErrBinary", err)
		}
		obj, err := blobs.Put(ctx, strings.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		l, err := st.PutLog(ctx, store.Log{SHA256: obj.SHA256, RawSize: obj.Size, Lines: 2, StorageKey: obj.Key})
		if err != nil {
			t.Fatal(err)
		}
		addPatterns(t, st, lit("err", "error: bad"))
		if _, err := scan.Rescan(ctx, st, blobs, scan.RescanOptions{}); err != nil {
			t.Fatal(err)
		}
		ms, err := st.Matches(ctx, store.MatchFilter{LogID: l.ID})
		if err != nil || len(ms) != 1 {
			t.Fatalf("matches %+v, %v", ms, err)
		}
		if !utf8.ValidString(ms[0].Text) || strings.ContainsRune(ms[0].Text, 0) || !strings.Contains(ms[0].Text, "error: bad") {
			t.Fatalf("stored line text %q is not clean UTF-8", ms[0].Text)
		}
	})
}

// TestIngestUnwritableLogStore: when the log cannot be written nothing reaches the database.
func TestIngestUnwritableLogStore(t *testing.T) {
	eachBackend(t, func(t *testing.T, st store.Store, _ string) {
		dir := filepath.Join(t.TempDir(), "logs")
		blobs, err := blob.OpenDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		// Replace the directory with a file: unwritable even for root.
		if err := os.Remove(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dir, nil, 0o444); err != nil {
			t.Fatal(err)
		}
		_, err = ingest.StoreLog(t.Context(), st, blobs, strings.NewReader("some log\n"), 0)
		if err == nil || !strings.Contains(err.Error(), dir) {
			t.Fatalf("put into an unwritable store: %v, want an error naming %s", err, dir)
		}
		if s, _ := st.Stats(t.Context()); s.Logs != 0 {
			t.Fatalf("a log was recorded: %+v", s)
		}
	})
}

func TestStoredLogTruncates(t *testing.T) {
	st, err := sqlite.Open(t.Context(), "sqlite::memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	blobs := tempBlobs(t)
	l, err := ingest.StoreLog(t.Context(), st, blobs, strings.NewReader("a\nb\nc\nd\n"), 4)
	if err != nil || !l.Truncated || l.RawSize != 4 || l.Lines != 2 {
		t.Fatalf("truncated put: %+v, %v", l, err)
	}
	l, err = ingest.StoreLog(t.Context(), st, blobs, strings.NewReader("a\n"), 4)
	if err != nil || l.Truncated {
		t.Fatalf("short put: %+v, %v", l, err)
	}
}

func TestRescanStopsOnDatabaseError(t *testing.T) {
	st, err := sqlite.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	blobs := tempBlobs(t)
	for i := range 3 {
		ingestJob(t, st, blobs, fmt.Sprint(i), "j", fmt.Sprint("log ", i))
	}
	addPatterns(t, st, lit("x", "log"))
	ctx, cancel := context.WithCancel(t.Context())
	res, err := scan.Rescan(ctx, st, blobs, scan.RescanOptions{Workers: 1, Progress: func(scan.RescanProgress) { cancel() }})
	if !errors.Is(err, context.Canceled) || res.Done != 1 {
		t.Fatalf("cancelled rescan: %+v, %v", res, err)
	}
	st.Close()
}

// TestRescanDatabaseRestart: the server drops every connection mid-rescan; the rescan reports an
// error (or carries on over new connections) and a rerun ends with exactly the matches of an
// uninterrupted scan.
func TestRescanDatabaseRestart(t *testing.T) {
	seed := func(t *testing.T) (store.Store, blob.Store, string) {
		url := storetest.PostgresURL(t)
		st, err := postgres.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		blobs := tempBlobs(t)
		for i := range 60 {
			ingestJob(t, st, blobs, fmt.Sprint(i), "j", strings.Repeat(fmt.Sprintf("line %d ok\nerror %d here\n", i, i%7), 20))
		}
		addPatterns(t, st, lit("err", "error 3 here"), lit("line", "line 1"))
		return st, blobs, url
	}
	ref, refBlobs, _ := seed(t)
	if _, err := scan.Rescan(t.Context(), ref, refBlobs, scan.RescanOptions{}); err != nil {
		t.Fatal(err)
	}
	want := contentKeys(t, ref)

	st, blobs, url := seed(t)
	terminated := 0
	_, err := scan.Rescan(t.Context(), st, blobs, scan.RescanOptions{Workers: 1, Progress: func(p scan.RescanProgress) {
		if p.Done == 20 {
			terminated = storetest.TerminateBackends(t, url)
		}
	}})
	if terminated == 0 {
		t.Fatal("no connection was terminated")
	}
	t.Logf("terminated %d connections; rescan returned %v", terminated, err)
	if _, err := scan.Rescan(t.Context(), st, blobs, scan.RescanOptions{}); err != nil {
		t.Fatalf("rerun after the restart: %v", err)
	}
	if got := contentKeys(t, st); !slices.Equal(got, want) {
		t.Fatalf("after a restart: %d matches, uninterrupted %d", len(got), len(want))
	}
}

// contentKeys lists matches by log content hash, so two stores can be compared.
func contentKeys(t *testing.T, st store.Store) []string {
	t.Helper()
	ms, err := st.Matches(t.Context(), store.MatchFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		l, err := st.Log(t.Context(), m.LogID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s/%s/L%d/%d-%d", l.SHA256, m.Pattern, m.Line, m.Start, m.End))
	}
	slices.Sort(out)
	return out
}

func TestRescanOneLogReusesMatchersAndCountsNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, st store.Store, _ string) {
		ctx := t.Context()
		blobs := tempBlobs(t)
		addPatterns(t, st, lit("oom", "OOM Killed"))
		cs := &countingStore{Store: st}
		cache := scan.NewMatcherCache()
		for i, content := range []string{"OOM Killed\n", "fine\nOOM Killed\n", "fine\n"} {
			l := ingestJob(t, st, blobs, fmt.Sprint(i), "build", content)
			res, err := scan.Rescan(ctx, cs, blobs, scan.RescanOptions{LogID: l.ID, Workers: 1, Matchers: cache})
			if err != nil || res.Done != 1 || res.Total != 1 {
				t.Fatalf("log %d: %+v, %v", i, res, err)
			}
		}
		if n := cs.stats.Load(); n != 0 {
			t.Errorf("one-log rescans counted the whole database %d times", n)
		}
		if n := cs.loads.Load(); n != 1 {
			t.Errorf("patterns loaded %d times for three logs with one pattern set, want 1", n)
		}
		// A new pattern is a new set: loaded, compiled, and it matches.
		newID := addPatterns(t, st, lit("fine", "fine"))[0]
		l := ingestJob(t, st, blobs, "3", "build", "fine\n")
		if _, err := scan.Rescan(ctx, cs, blobs, scan.RescanOptions{LogID: l.ID, Workers: 1, Matchers: cache}); err != nil {
			t.Fatal(err)
		}
		if n := cs.loads.Load(); n != 2 {
			t.Errorf("patterns loaded %d times after a new pattern, want 2", n)
		}
		ms, err := st.Matches(ctx, store.MatchFilter{PatternID: newID})
		if err != nil || len(ms) != 1 || ms[0].LogID != l.ID {
			t.Fatalf("matches of the new pattern: %+v, %v", ms, err)
		}
	})
}
