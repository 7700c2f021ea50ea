package storetest

import (
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func pending(t *testing.T, s store.Store) []store.PendingScan {
	t.Helper()
	return must(s.PendingScans(ctx(t), 0, 0))
}

func testIncrementalScan(t *testing.T, s store.Store) {
	c := ctx(t)
	r := repo(t, s, "o/r")
	l1, l2 := putLog(t, s, "log 1"), putLog(t, s, "log 2")
	job(t, s, r, "1", "lint", &l1.ID)
	job(t, s, r, "2", "test", &l2.ID)
	job(t, s, r, "3", "build", &l2.ID) // same content as job 2
	if p := pending(t, s); len(p) != 0 {
		t.Fatalf("no patterns, pending = %+v", p)
	}
	ch := must(s.AddPatterns(c, []store.Pattern{pattern("a", "A"), pattern("b", "B")}, "x"))
	a, b := ch[0].ID, ch[1].ID
	p := pending(t, s)
	if len(p) != 2 || p[0].LogID != l1.ID || p[1].LogID != l2.ID {
		t.Fatalf("pending = %+v", p)
	}
	if !slices.Equal(p[0].PatternIDs, []int64{a, b}) || p[0].From != 0 || p[0].To != b || p[0].JobName != "lint" || p[1].JobName != "build" {
		t.Fatalf("pending[0] = %+v", p[0])
	}
	if st := must(s.Stats(c)); st.UnscannedPairs != 4 || st.Logs != 2 || st.UnscannedLogs != 2 {
		t.Fatalf("stats = %+v", st)
	}
	if b := must(s.ScanBacklog(c)); b != (store.ScanBacklog{Logs: 2, UnscannedLogs: 2}) {
		t.Fatalf("scan backlog = %+v, want both logs to scan", b)
	}
	if after := must(s.PendingScans(c, l1.ID, 10)); len(after) != 1 || after[0].LogID != l2.ID {
		t.Fatalf("pending after log %d = %+v", l1.ID, after)
	}
	ms := []patterns.Match{{PatternID: a, Line: 3, Start: 1, End: 2, Text: "xAx"}, {PatternID: b, Line: 7, Start: 0, End: 1, Text: "B", Captures: []string{"B"}}}
	if ok := must(s.RecordScan(c, p[0], ms)); !ok {
		t.Fatal("RecordScan = false on a fresh log")
	}
	if ok := must(s.RecordScan(c, p[1], nil)); !ok {
		t.Fatal("RecordScan = false")
	}
	if p := pending(t, s); len(p) != 0 {
		t.Fatalf("after scanning, pending = %+v", p)
	}
	if b := must(s.ScanBacklog(c)); b != (store.ScanBacklog{Logs: 2}) {
		t.Fatalf("after scanning, scan backlog = %+v", b)
	}
	got := must(s.Matches(c, store.MatchFilter{LogID: l1.ID}))
	if len(got) != 2 {
		t.Fatalf("matches = %+v", got)
	}
	slices.SortFunc(got, func(x, y store.Match) int { return x.Line - y.Line })
	if got[0].PatternID != a || got[0].Pattern != "a" || got[0].Text != "xAx" || got[0].Start != 1 || got[0].End != 2 ||
		got[1].Captures[0] != "B" || got[0].LogID != l1.ID {
		t.Fatalf("matches = %+v", got)
	}
	if n := len(must(s.Matches(c, store.MatchFilter{PatternID: b, Limit: 1}))); n != 1 {
		t.Fatalf("matches of pattern b = %d", n)
	}
	// A new pattern: only it is pending, for every log.
	ch = must(s.AddPatterns(c, []store.Pattern{pattern("c", "C")}, "x"))
	p = pending(t, s)
	if len(p) != 2 || !slices.Equal(p[0].PatternIDs, []int64{ch[0].ID}) || p[0].From != b {
		t.Fatalf("after a new pattern, pending = %+v", p)
	}
	// A retired pattern is not scanned for.
	if err := s.RetirePattern(c, ch[0].ID, "x"); err != nil {
		t.Fatal(err)
	}
	if p := pending(t, s); len(p) != 0 {
		t.Fatalf("after retiring the only new pattern, pending = %+v", p)
	}
	if st := must(s.Stats(c)); st.Matches != 2 || st.UnscannedPairs != 0 || st.Patterns != 2 || st.Jobs != 3 {
		t.Fatalf("stats = %+v", st)
	}
}

func testRepoScopedPattern(t *testing.T, s store.Store) {
	c := ctx(t)
	r1, r2 := repo(t, s, "o/one"), repo(t, s, "o/two")
	l1, l2 := putLog(t, s, "one"), putLog(t, s, "two")
	job(t, s, r1, "1", "j", &l1.ID)
	job(t, s, r2, "2", "j", &l2.ID)
	scoped := pattern("only one", "X")
	scoped.RepoID = &r1.ID
	id := must(s.AddPatterns(c, []store.Pattern{scoped}, "x"))[0].ID
	p := pending(t, s)
	if len(p) != 2 || !slices.Equal(p[0].PatternIDs, []int64{id}) || len(p[1].PatternIDs) != 0 {
		t.Fatalf("pending = %+v, want the pattern for log 1 only", p)
	}
	if st := must(s.Stats(c)); st.UnscannedPairs != 1 {
		t.Fatalf("unscanned pairs = %d, want 1", st.UnscannedPairs)
	}
	// The repository pattern is pending for log 1 only, though it is newer than both watermarks.
	if b := must(s.ScanBacklog(c)); b != (store.ScanBacklog{Logs: 2, UnscannedLogs: 1}) {
		t.Fatalf("scan backlog = %+v, want log 1 only", b)
	}
	for _, x := range p {
		must(s.RecordScan(c, x, nil))
	}
	if p := pending(t, s); len(p) != 0 {
		t.Fatalf("pending = %+v", p)
	}
}

// testRecordScanRace: two scanners finishing the same log; exactly one records its matches.
func testRecordScanRace(t *testing.T, s store.Store) {
	c := ctx(t)
	r := repo(t, s, "o/r")
	l := putLog(t, s, "race")
	job(t, s, r, "1", "j", &l.ID)
	id := must(s.AddPatterns(c, []store.Pattern{pattern("a", "A")}, "x"))[0].ID
	p := pending(t, s)[0]
	var wg sync.WaitGroup
	results := make([]bool, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = s.RecordScan(c, p, []patterns.Match{{PatternID: id, Line: 1, Text: "A", End: 1}})
		}()
	}
	wg.Wait()
	won := 0
	for i := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if results[i] {
			won++
		}
	}
	if won != 1 {
		t.Fatalf("%d scanners recorded, want exactly 1", won)
	}
	if n := must(s.Stats(c)).Matches; n != 1 {
		t.Fatalf("matches = %d, want 1", n)
	}
}

func testUnknownPattern(t *testing.T, s store.Store) {
	c := ctx(t)
	r := repo(t, s, "o/r")
	l := putLog(t, s, "x")
	job(t, s, r, "1", "j", &l.ID)
	must(s.AddPatterns(c, []store.Pattern{pattern("a", "A")}, "x"))
	p := pending(t, s)[0]
	_, err := s.RecordScan(c, p, []patterns.Match{{PatternID: 987654, Line: 1, Text: "A"}})
	wantErr(t, err, store.ErrUnknownPattern)
	if !containsStr(err.Error(), "987654") {
		t.Fatalf("error %q does not name the pattern", err)
	}
	if p2 := pending(t, s); len(p2) != 1 || p2[0].From != p.From {
		t.Fatalf("a failed RecordScan moved the watermark: %+v", p2)
	}
}

func containsStr(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func testInvalidUTF8Text(t *testing.T, s store.Store) {
	c := ctx(t)
	r := repo(t, s, "o/r")
	l := putLog(t, s, "bin")
	job(t, s, r, "1", "j", &l.ID)
	id := must(s.AddPatterns(c, []store.Pattern{pattern("a", "A")}, "x"))[0].ID
	p := pending(t, s)[0]
	raw := "A\xff\xfe\x00bin\x00"
	must(s.RecordScan(c, p, []patterns.Match{{PatternID: id, Line: 1, End: 1, Text: raw, Captures: []string{"\xc3"}}}))
	m := must(s.Matches(c, store.MatchFilter{LogID: l.ID}))
	if len(m) != 1 || m[0].Text != store.CleanText(raw) || m[0].Captures[0] != "\uFFFD" {
		t.Fatalf("matches = %+v", m)
	}
}
