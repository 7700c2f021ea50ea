package sqlite_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/sqlite"
	"github.com/totto-ci/totto/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "totto.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestConformanceInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(t.Context(), "sqlite::memory:")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestConcurrentOpen: replicas (here goroutines, each with its own connections) opening one
// fresh database at once all succeed and migrate it exactly once.
func TestConcurrentOpen(t *testing.T) {
	url := "sqlite:" + filepath.Join(t.TempDir(), "fresh.db")
	storetest.ConcurrentOpen(t, 6, func() (store.Store, error) { return sqlite.Open(t.Context(), url) })
}

func TestOpenByURL(t *testing.T) {
	dir := t.TempDir()
	for _, u := range []string{"sqlite:" + filepath.Join(dir, "a.db"), "sqlite://" + filepath.Join(dir, "b.db"), "sqlite::memory:"} {
		s, err := store.Open(t.Context(), u)
		if err != nil {
			t.Fatalf("open %s: %v", u, err)
		}
		s.Close()
	}
	for _, u := range []string{"mysql://x", "totto.db", "sqlite:"} {
		if _, err := store.Open(t.Context(), u); err == nil {
			t.Errorf("open %q succeeded, want an error", u)
		}
	}
}

// TestTwoStoresOneFile: two stores on one file (as two processes have) write concurrently; the
// file lock and busy_timeout queue them, no write fails with SQLITE_BUSY.
func TestTwoStoresOneFile(t *testing.T) {
	url := "sqlite:" + filepath.Join(t.TempDir(), "shared.db")
	var stores [2]store.Store
	for i := range stores {
		s, err := sqlite.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores[i] = s
	}
	r, err := stores[0].UpsertRepository(t.Context(), store.Repository{FullName: "o/r", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	const each = 100
	errs := make(chan error, 2*each)
	done := make(chan struct{})
	for i, s := range stores {
		go func() {
			defer func() { done <- struct{}{} }()
			for j := range each {
				_, err := s.UpsertJob(t.Context(), store.Job{Provider: "p", ExternalID: fmt.Sprintf("%d-%d", i, j), RepoID: r.ID, SHA: "s", Name: "n"})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	<-done
	<-done
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st, err := stores[1].Stats(t.Context())
	if err != nil || st.Jobs != 2*each {
		t.Fatalf("jobs = %d, %v; want %d", st.Jobs, err, 2*each)
	}
}
