package likelycause_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/likelycause"
	"github.com/totto-ci/totto/logs/cause"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	"github.com/totto-ci/totto/store/postgres"
	"github.com/totto-ci/totto/store/sqlite"
	"github.com/totto-ci/totto/store/storetest"
)

type backend struct {
	name string
	open func(t *testing.T) store.Store
}

var backends = []backend{
	{"sqlite", func(t *testing.T) store.Store {
		s, err := sqlite.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "totto.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}},
	{"postgres", func(t *testing.T) store.Store {
		s, err := postgres.Open(t.Context(), storetest.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}},
}

// testStore is what the tests need of a store: store.Store and what likelycause reads.
type testStore interface {
	store.Store
	store.JobHistory
}

// The build log of a job whose every run prints the same loud but harmless error lines; the
// failing run differs by one quiet line.
func jobLog(extra ...string) string {
	lines := []string{
		"Run make check",
		"ERROR: optional plugin foo not installed (ignored)",
		"error: could not read ~/.config/tool.toml, using defaults",
	}
	for i := range 20 {
		lines = append(lines, fmt.Sprintf("checking module m%02d ... ok (%d ms)", i, 10+i))
	}
	lines = append(lines, extra...)
	return strings.Join(lines, "\n") + "\n"
}

const failingLine = "checksum of build/out.bin differs from the recorded one"

func TestForJobWithAndWithoutHistory(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := t.Context()
			st := b.open(t).(testStore)
			dir := t.TempDir()
			blobs, err := blob.OpenDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			repo, err := st.UpsertRepository(ctx, store.Repository{FullName: "acme/widgets", Active: true})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			addJob := func(conclusion, content string) store.Job {
				n++
				at := time.Date(2026, 3, 1, n, 0, 0, 0, time.UTC)
				j, err := st.UpsertJob(ctx, store.Job{Provider: "github-actions", ExternalID: fmt.Sprint(n), Attempt: 1,
					RepoID: repo.ID, SHA: fmt.Sprintf("%040x", n), Name: "check", Conclusion: conclusion, CompletedAt: &at})
				if err != nil {
					t.Fatal(err)
				}
				obj, err := blobs.Put(ctx, strings.NewReader(content))
				if err != nil {
					t.Fatal(err)
				}
				l, err := st.PutLog(ctx, store.Log{SHA256: obj.SHA256, RawSize: obj.Size, Lines: 1, StorageKey: obj.Key})
				if err != nil {
					t.Fatal(err)
				}
				if err := st.SetJobLog(ctx, j.ID, &l.ID, store.LogStored, ""); err != nil {
					t.Fatal(err)
				}
				j.LogID = &l.ID
				return j
			}
			failing := addJob("failure", jobLog(failingLine, "make: *** [Makefile:3: check] Error 1", "Error: Process completed with exit code 2."))
			causeLine := func() string {
				t.Helper()
				ex, err := likelycause.ForJob(ctx, st, blobs, failing)
				if err != nil {
					t.Fatal(err)
				}
				if ex.Cause == 0 {
					return ""
				}
				return lineAt(ex, ex.Cause)
			}

			// No green run stored: the log is judged alone, and nothing is kept.
			alone := causeLine()
			if alone == failingLine {
				t.Fatalf("without history the cause is already %q; the test shows nothing", alone)
			}
			if _, _, ok, _ := st.JobFingerprint(ctx, repo.ID, "check"); ok {
				t.Fatal("a fingerprint was kept without a passing log")
			}

			// A green run of the same job: its fingerprint is built once and kept.
			green := addJob("success", jobLog())
			if got := causeLine(); got != failingLine {
				t.Fatalf("with the green run as history: cause %q, want %q", got, failingLine)
			}
			kept, _, ok, err := st.JobFingerprint(ctx, repo.ID, "check")
			if err != nil || !ok || kept != *green.LogID {
				t.Fatalf("kept fingerprint of log %d (%v, %v), want log %d", kept, ok, err, *green.LogID)
			}

			// The kept fingerprint is used without reading the green log again.
			gl, err := st.Log(ctx, *green.LogID)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(filepath.Join(dir, gl.StorageKey)); err != nil {
				t.Fatal(err)
			}
			if got := causeLine(); got != failingLine {
				t.Fatalf("from the kept fingerprint: cause %q, want %q", got, failingLine)
			}
		})
	}
}

// lineAt is the text of line n of the excerpt.
func lineAt(ex cause.Excerpt, n int) string {
	i := 0
	for _, r := range ex.Ranges {
		if n >= r[0] && n <= r[1] {
			return ex.Lines[i+n-r[0]]
		}
		i += r[1] - r[0] + 1
	}
	return ""
}
