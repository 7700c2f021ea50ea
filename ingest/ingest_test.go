package ingest

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	_ "github.com/totto-ci/totto/store/sqlite"
)

func open(t *testing.T) (store.Store, blob.Store) {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(dir, "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.OpenDir(filepath.Join(dir, "logs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(); blobs.Close() })
	return st, blobs
}

func content(t *testing.T, blobs blob.Store, l store.Log) string {
	rc, err := blobs.Open(context.Background(), l.StorageKey)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestStoreLogKeepsTail(t *testing.T) {
	st, blobs := open(t)
	ctx := context.Background()
	raw := "setup 1\nsetup 2\nsetup 3\ncompile\nFAIL: TestX\nexit 1\n"
	cases := []struct {
		max       int64
		want      string
		truncated bool
	}{
		{max: 0, want: raw},
		{max: int64(len(raw)), want: raw},
		{max: 20, want: "FAIL: TestX\nexit 1\n", truncated: true}, // the cut line "mpile\n" is dropped
		{max: 19, want: "FAIL: TestX\nexit 1\n", truncated: true}, // cut exactly at a line start
		{max: 18, want: "exit 1\n", truncated: true},
	}
	for _, c := range cases {
		l, err := StoreLog(ctx, st, blobs, strings.NewReader(raw), c.max)
		if err != nil {
			t.Fatal(err)
		}
		got := content(t, blobs, l)
		if got != c.want || l.Truncated != c.truncated || l.RawSize != int64(len(c.want)) {
			t.Errorf("max %d: got %q truncated=%v size=%d; want %q truncated=%v", c.max, got, l.Truncated, l.RawSize, c.want, c.truncated)
		}
	}
}

func TestJobLinkAndNoLog(t *testing.T) {
	st, blobs := open(t)
	ctx := context.Background()
	r, err := st.UpsertRepository(ctx, store.Repository{FullName: "octo/widgets", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	started := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	cj := &ciprovider.Job{Provider: ident.ProviderGitHubActions, ExternalID: "7", Attempt: 2, Repo: "octo/widgets", Name: "test",
		Conclusion: "failure", Started: started, Steps: []ciprovider.Step{{Number: 1, Name: "setup"}, {Number: 2, Name: "pytest", Failed: true}}}
	sj := Job(r.ID, cj)
	if sj.Step != "pytest" || sj.LogState != store.LogPending || sj.StartedAt == nil || !sj.StartedAt.Equal(started) || sj.CompletedAt != nil {
		t.Fatalf("mapped job %+v", sj)
	}
	j, err := st.UpsertJob(ctx, sj)
	if err != nil {
		t.Fatal(err)
	}
	if err := NoLog(ctx, st, j.ID, ""); err != nil {
		t.Fatal(err)
	}
	if j, _ = st.Job(ctx, j.ID); j.LogState != store.LogUnavailable || j.LogReason == "" {
		t.Fatalf("no log: %+v", j)
	}
	l, err := StoreLog(ctx, st, blobs, strings.NewReader("boom\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := Link(ctx, st, j.ID, l); err != nil {
		t.Fatal(err)
	}
	if j, _ = st.Job(ctx, j.ID); j.LogState != store.LogStored || j.LogID == nil || *j.LogID != l.ID {
		t.Fatalf("linked: %+v", j)
	}
}
