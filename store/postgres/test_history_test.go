package postgres_test

import (
	"testing"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/postgres"
	"github.com/totto-ci/totto/store/storetest"
)

func TestTestHistoryConformance(t *testing.T) {
	storetest.RunTestHistory(t, func(t *testing.T) store.Store {
		s, err := postgres.Open(t.Context(), storetest.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
