package store_test

import (
	"path/filepath"
	"testing"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/postgres"
	"github.com/totto-ci/totto/store/sqlite"
	"github.com/totto-ci/totto/store/storetest"
)

// eachBackend runs fn on a fresh SQLite store and a fresh Postgres schema (skipped without
// TOTTO_TEST_POSTGRES unless TOTTO_REQUIRE_POSTGRES=1).
func eachBackend(t *testing.T, fn func(t *testing.T, st store.Store, url string)) {
	open := map[string]func(t *testing.T) (store.Store, string, error){
		"sqlite": func(t *testing.T) (store.Store, string, error) {
			url := "sqlite:" + filepath.Join(t.TempDir(), "totto.db")
			st, err := sqlite.Open(t.Context(), url)
			return st, url, err
		},
		"postgres": func(t *testing.T) (store.Store, string, error) {
			url := storetest.PostgresURL(t)
			st, err := postgres.Open(t.Context(), url)
			return st, url, err
		},
	}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			st, url, err := open[name](t)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			fn(t, st, url)
		})
	}
}
