package sqlitedb

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// noWait opens without a busy timeout: a write that met SQLite's lock would fail at once with
// "database is locked" instead of hiding in the busy handler.
var noWait = url.Values{"_pragma": {"busy_timeout(0)", "journal_mode(WAL)"}, "_txlock": {"immediate"}}

func openPair(t *testing.T) (string, *sql.DB, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.db")
	a, err := Open(path, noWait, 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	b, err := Open(path, noWait, 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if _, err := a.Exec(`CREATE TABLE rows (id INTEGER PRIMARY KEY AUTOINCREMENT, who TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return path, a, b
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// The store and the queue open one file through two pools; with no busy timeout at all, their
// concurrent writes of every shape must still all succeed, because they queue in the process.
func TestTwoPoolsOnOneFileNeverMeetSQLiteLock(t *testing.T) {
	_, a, b := openPair(t)
	ctx := testCtx(t)
	const perWriter = 50
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	writer := func(db *sql.DB, name string, write func(*sql.DB, string) error) {
		defer wg.Done()
		for i := range perWriter {
			if err := write(db, fmt.Sprintf("%s-%d", name, i)); err != nil {
				errs <- fmt.Errorf("%s: %w", name, err)
				return
			}
		}
	}
	exec := func(db *sql.DB, who string) error {
		_, err := db.ExecContext(ctx, `INSERT INTO rows (who) VALUES (?)`, who)
		return err
	}
	txn := func(db *sql.DB, who string) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM rows`).Scan(&n); err != nil {
			tx.Rollback()
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO rows (who) VALUES (?)`, who); err != nil {
			tx.Rollback()
			return err
		}
		return tx.Commit()
	}
	returning := func(db *sql.DB, who string) error {
		var id int64
		return db.QueryRowContext(ctx, `INSERT INTO rows (who) VALUES (?) RETURNING id`, who).Scan(&id)
	}
	prepared := func(db *sql.DB, who string) error {
		st, err := db.PrepareContext(ctx, `INSERT INTO rows (who) VALUES (?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		_, err = st.ExecContext(ctx, who)
		return err
	}
	reader := func(db *sql.DB, _ string) error {
		var n int
		return db.QueryRowContext(ctx, `WITH c AS (SELECT count(*) AS n FROM rows) SELECT n FROM c`).Scan(&n)
	}
	for _, db := range []*sql.DB{a, b} {
		for name, w := range map[string]func(*sql.DB, string) error{"exec": exec, "tx": txn, "returning": returning, "prepared": prepared, "read": reader} {
			wg.Add(1)
			go writer(db, name, w)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var n int
	if err := a.QueryRowContext(ctx, `SELECT count(*) FROM rows`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if want := 2 * 4 * perWriter; n != want {
		t.Fatalf("rows = %d, want %d", n, want)
	}
}

// holdSlot begins a write transaction on db and reports each caller that then queues for the slot.
func holdSlot(t *testing.T, path string, db *sql.DB) (*sql.Tx, chan bool) {
	t.Helper()
	l, err := lockFor(path)
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan bool, 8)
	l.mu.Lock()
	l.onWait = func(urgent bool) { waiting <- urgent }
	l.mu.Unlock()
	t.Cleanup(func() { l.mu.Lock(); l.onWait = nil; l.mu.Unlock() })
	tx, err := db.BeginTx(testCtx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	return tx, waiting
}

func TestReadsDoNotWaitForTheWriter(t *testing.T) {
	path, a, b := openPair(t)
	ctx := testCtx(t)
	tx, _ := holdSlot(t, path, a)
	defer tx.Rollback()
	var n int
	// Would block until the 30 s deadline if a read queued behind the open transaction.
	if err := b.QueryRowContext(ctx, `SELECT count(*) FROM rows`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := b.QueryRowContext(ctx, `WITH c AS (SELECT 1 AS x) SELECT x FROM c`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	rtx, err := b.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := rtx.QueryRowContext(ctx, `SELECT count(*) FROM rows`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	rtx.Rollback()
}

func TestUrgentWriteGoesBeforeQueuedBackgroundWrite(t *testing.T) {
	path, a, b := openPair(t)
	ctx := testCtx(t)
	tx, waiting := holdSlot(t, path, a)
	done := make(chan error, 2)
	write := func(ctx context.Context, who string) {
		_, err := b.ExecContext(ctx, `INSERT INTO rows (who) VALUES (?)`, who)
		done <- err
	}
	go write(ctx, "background")
	if urgent := <-waiting; urgent {
		t.Fatal("background write queued as urgent")
	}
	go write(Urgent(ctx), "webhook")
	if urgent := <-waiting; !urgent {
		t.Fatal("urgent write not queued as urgent")
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	var first string
	if err := a.QueryRowContext(ctx, `SELECT who FROM rows ORDER BY id LIMIT 1`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if first != "webhook" {
		t.Fatalf("first write after the transaction was %q, want the urgent one", first)
	}
}

func TestWriteWaitEndsWithItsContext(t *testing.T) {
	path, a, b := openPair(t)
	tx, waiting := holdSlot(t, path, a)
	defer tx.Rollback()
	ctx, cancel := context.WithCancel(testCtx(t))
	done := make(chan error, 1)
	go func() {
		_, err := b.ExecContext(ctx, `INSERT INTO rows (who) VALUES ('late')`)
		done <- err
	}()
	<-waiting
	cancel()
	if err := <-done; err == nil {
		t.Fatal("write succeeded although its context ended while the slot was held")
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	// The slot is free again: another write goes through.
	if _, err := b.ExecContext(testCtx(t), `INSERT INTO rows (who) VALUES ('after')`); err != nil {
		t.Fatal(err)
	}
}
