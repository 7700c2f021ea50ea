package sqlite_test

import (
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
