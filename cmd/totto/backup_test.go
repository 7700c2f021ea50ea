package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A backup taken with `totto backup` restores: the copy is a complete, current database that
// every command opens, with the log store beside it.
func TestBackupRestoreRoundTrip(t *testing.T) {
	e := newStoreEnv(t, "")
	log := writeFile(t, "job.log", "setup\nE: Hash Sum mismatch\n")
	if code, out, errs := e.run(t, "", "ingest", "--repo", "o/r", "--sha", "abc", "--job", "build", log); code != 0 {
		t.Fatalf("ingest: %d %s%s", code, out, errs)
	}
	before := e.stats(t)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if code, out, errs := e.run(t, "", "backup", backup); code != 0 || !strings.Contains(out, "backed up to "+backup) {
		t.Fatalf("backup: %d %s%s", code, out, errs)
	}
	if code, _, errs := e.run(t, "", "backup", backup); code != exitError || !strings.Contains(errs, "already exists") {
		t.Errorf("a second backup onto the same file: exit %d %s", code, errs)
	}
	// Work after the backup is not in it.
	if code, _, errs := e.run(t, "other\n", "ingest", "--repo", "o/r", "--sha", "def", "--job", "test", "-"); code != 0 {
		t.Fatalf("ingest: %s", errs)
	}

	// Restore: the copy replaces the database file (totto stopped).
	dbPath := strings.TrimPrefix(e.dbURL, "sqlite:")
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(dbPath + suffix)
	}
	data, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dbPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	after := e.stats(t)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("restored %s = %d, want %d (at backup time)", k, after[k], v)
		}
	}
	// The restored database reads its logs: a new pattern rescans the stored log.
	pf := writeFile(t, "p.yml", "patterns:\n  - name: setup\n    literal: setup\n")
	if code, _, errs := e.run(t, "", "patterns", "add", pf); code != 0 {
		t.Fatal(errs)
	}
	if code, out, errs := e.run(t, "", "rescan"); code != 0 || !strings.Contains(out, "rescanned 1 log(s), 1 match") {
		t.Errorf("rescan of the restored database: %d %s%s", code, out, errs)
	}
}

func TestBackupRefusesPostgres(t *testing.T) {
	e := newStoreEnv(t, "postgres://totto:s3cret@db.example:5432/totto")
	code, _, errs := e.run(t, "", "backup", filepath.Join(t.TempDir(), "x.db"))
	if code != exitUsage || !strings.Contains(errs, "pg_dump") || strings.Contains(errs, "s3cret") {
		t.Errorf("exit %d %s; want a usage error naming pg_dump, without the password", code, errs)
	}
}

// totto prune applies the configured policy; nothing configured, it says so.
func TestPruneCommand(t *testing.T) {
	e := newStoreEnv(t, "")
	if code, _, errs := e.run(t, "", "ingest", "--repo", "o/r", "--sha", "abc", "--job", "build", writeFile(t, "j.log", "x\n")); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := e.run(t, "", "prune", "--dry-run")
	if code != 0 || !strings.Contains(out, "would remove: 0 log contents") {
		t.Fatalf("prune --dry-run: %d %s%s", code, out, errs)
	}
}
