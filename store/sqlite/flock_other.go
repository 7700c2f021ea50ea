//go:build !unix

package sqlite

// lockFile is a no-op where flock is unavailable: SQLite's own locking still makes a second
// concurrent migrator fail cleanly rather than corrupt anything.
func lockFile(string) (func(), error) { return func() {}, nil }
