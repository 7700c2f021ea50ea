// Package testdb gives tests fresh databases cheaply. A new SQLite file normally applies every
// migration of the store and of the job queue when the App opens it; River's take about 0.2 s of
// CPU, and 10 s under -race, for every test that builds an App. Here one file is migrated once per
// test binary and each test gets a copy: the same schema, as a fresh database would have.
package testdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/totto-ci/totto/queue"
	"github.com/totto-ci/totto/store/sqlite"
)

var (
	once     sync.Once
	template []byte
	errTmpl  error
)

// SQLiteURL returns the URL of a new SQLite database in the test's temporary directory, with the
// store's schema and the job queue's tables migrated. Tests of migration itself use a bare file.
func SQLiteURL(tb testing.TB) string {
	tb.Helper()
	once.Do(func() { template, errTmpl = migrated() })
	if errTmpl != nil {
		tb.Fatalf("migrated SQLite template: %v", errTmpl)
	}
	path := filepath.Join(tb.TempDir(), "totto.db")
	if err := os.WriteFile(path, template, 0o600); err != nil {
		tb.Fatal(err)
	}
	return "sqlite:" + path
}

func migrated() ([]byte, error) {
	dir, err := os.MkdirTemp("", "totto-testdb-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "totto.db")
	ctx := context.Background()
	st, err := sqlite.Open(ctx, "sqlite:"+path)
	if err != nil {
		return nil, err
	}
	if err := queue.Migrate(ctx, st.Conn(), nil); err != nil {
		st.Close()
		return nil, err
	}
	// Closing the last connection checkpoints the write-ahead log into the file.
	if err := st.Close(); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("%s-wal still holds %d bytes after close", path, fi.Size())
	}
	return os.ReadFile(path)
}
