// Package sqlitedb opens SQLite files so that the store and the queue of one process take turns
// writing through an in-process queue instead of SQLite's busy handler, and so that writes a
// caller is waiting on (webhook acknowledgements) go first. Other processes on the same file still
// meet SQLite's own lock and wait under busy_timeout.
package sqlitedb

import (
	"database/sql"
	"fmt"
	"net/url"

	sqlite "modernc.org/sqlite"
)

// Open returns a pool of at most maxConns connections to the file at path, opened with the
// modernc.org/sqlite DSN parameters params, whose writes share the file's process-wide writer slot.
func Open(path string, params url.Values, maxConns int) (*sql.DB, error) {
	lock, err := lockFor(path)
	if err != nil {
		return nil, err
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + params.Encode()
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	db := sql.OpenDB(&connector{inner: c, lock: lock})
	db.SetMaxOpenConns(maxConns)
	// Keep every connection once opened: database/sql keeps two idle by default and closes the
	// rest, and each new connection applies the pragmas and parses the whole schema again (most
	// of a concurrent backfill's CPU went there).
	db.SetMaxIdleConns(maxConns)
	return db, nil
}
