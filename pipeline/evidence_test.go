package pipeline

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/sqlite"
	"github.com/totto-ci/totto/verdicts"
)

// TestEvidenceHooks: the precision and expiry hooks read and write a real store.
func TestEvidenceHooks(t *testing.T) {
	ctx := t.Context()
	st, err := sqlite.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "totto.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	repo, err := st.UpsertRepository(ctx, store.Repository{FullName: "o/r", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := st.AddPatterns(ctx, []store.Pattern{{Pattern: patterns.Pattern{Name: "mirror", Kind: patterns.Literal, Expr: "Hash Sum mismatch", Tags: []string{"flaky"}, Source: "t"}}}, "t")
	if err != nil {
		t.Fatal(err)
	}
	l, err := st.PutLog(ctx, store.Log{SHA256: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", RawSize: 1, Lines: 1, StorageKey: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertJob(ctx, store.Job{Provider: "p", ExternalID: "1", Attempt: 1, RepoID: repo.ID, SHA: "s", Name: "test", Conclusion: "success", LogID: &l.ID, LogState: store.LogStored}); err != nil {
		t.Fatal(err)
	}
	pending, err := st.PendingScans(ctx, 0, 0)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending scans %v, %v", pending, err)
	}
	if _, err := st.RecordScan(ctx, pending[0], []patterns.Match{{PatternID: ch[0].ID, Line: 1, End: 4, Text: "Hash Sum mismatch"}}); err != nil {
		t.Fatal(err)
	}
	prec, err := verdicts.Precision(ctx, st, repo, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := prec[ch[0].ID]; p.Hits != 1 || p.OnSuccess != 1 {
		t.Errorf("precision %+v, want 1 hit on a successful job", p)
	}

	if _, err := st.OpenAnnotation(ctx, store.Annotation{RepoID: repo.ID, JobGlob: "lint", FromSHA: "m0"}); err != nil {
		t.Fatal(err)
	}
	for i, sha := range []string{"m1", "m2"} {
		at := time.Now().Add(time.Duration(i+1) * time.Minute)
		if _, err := st.UpsertJob(ctx, store.Job{Provider: "p", ExternalID: "l" + sha, Attempt: 1, RepoID: repo.ID, SHA: sha, Branch: "main", Name: "lint", Conclusion: "success", CompletedAt: &at}); err != nil {
			t.Fatal(err)
		}
	}
	if closed, err := expireKnownBroken(ctx, st, repo, "main", 3); err != nil || len(closed) != 0 {
		t.Fatalf("after 2 passes: closed %+v, %v; want none", closed, err)
	}
	if closed, err := expireKnownBroken(ctx, st, repo, "main", 2); err != nil || len(closed) != 1 || closed[0].JobGlob != "lint" {
		t.Fatalf("after 2 passes with a threshold of 2: closed %+v, %v; want the lint annotation", closed, err)
	}
}
