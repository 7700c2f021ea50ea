//go:build !unix

package sqlitedb

// LockFile is a no-op where flock is unavailable: SQLite's own locking still makes a second
// concurrent migrator fail cleanly rather than corrupt anything.
func LockFile(string) (func(), error) { return func() {}, nil }
