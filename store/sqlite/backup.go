package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
)

// Backup writes a consistent copy of the database a "sqlite:PATH" URL names to dest with SQLite's
// VACUUM INTO: one read transaction, so the App may keep writing meanwhile, and the copy is
// compacted. dest must not exist. Restoring is copying dest back to PATH while totto is stopped.
func Backup(ctx context.Context, u, dest string) error {
	path, err := Path(u)
	if err != nil {
		return err
	}
	if path == ":memory:" {
		return errors.New("backup: an in-memory database has nothing to back up")
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("backup: database %s: %w", path, err)
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists: choose a new file (a backup never overwrites)", dest)
	}
	params := url.Values{"_pragma": {"busy_timeout(30000)"}}
	db, err := sql.Open("sqlite", "file:"+path+"?"+params.Encode())
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", path, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		os.Remove(dest)
		return fmt.Errorf("backup of %s into %s: %w", path, dest, err)
	}
	return nil
}
