package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/sqlite"
	"github.com/totto-ci/totto/store/storetest"
)

func TestJobHistoryConformance(t *testing.T) {
	storetest.RunJobHistory(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "totto.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
