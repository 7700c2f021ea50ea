package postgres_test

import (
	"testing"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/postgres"
	"github.com/totto-ci/totto/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := postgres.Open(t.Context(), storetest.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestConcurrentOpen(t *testing.T) {
	url := storetest.PostgresURL(t)
	storetest.ConcurrentOpen(t, 6, func() (store.Store, error) { return postgres.Open(t.Context(), url) })
}
