package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	neturl "net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TerminateBackends ends every server connection opened through url (a PostgresURL), as a
// database restart does, and returns how many it ended.
func TerminateBackends(t testing.TB, url string) int {
	t.Helper()
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	app := u.Query().Get("application_name")
	conn, err := pgx.Connect(context.Background(), os.Getenv("TOTTO_TEST_POSTGRES"))
	if err != nil {
		t.Fatalf("connect to TOTTO_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND pid <> pg_backend_pid()`, app).Scan(&n); err != nil {
		t.Fatalf("terminate backends of %s: %v", app, err)
	}
	return n
}

// PostgresURL returns a URL for a fresh, empty schema in the database TOTTO_TEST_POSTGRES names,
// dropped when the test ends, so Postgres tests run in parallel and leave nothing behind. Without
// TOTTO_TEST_POSTGRES the test is skipped, unless TOTTO_REQUIRE_POSTGRES=1 (CI), where that is a
// failure.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("TOTTO_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("TOTTO_REQUIRE_POSTGRES") == "1" {
			t.Fatal("TOTTO_REQUIRE_POSTGRES=1 but TOTTO_TEST_POSTGRES is empty")
		}
		t.Skip("Postgres tests skipped: set TOTTO_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := "test_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to TOTTO_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := neturl.Parse(base)
	if err != nil {
		t.Fatalf("TOTTO_TEST_POSTGRES: %v", err)
	}
	qv := u.Query()
	qv.Set("search_path", schema)
	qv.Set("application_name", schema) // lets fault tests find this test's connections
	u.RawQuery = qv.Encode()
	return u.String()
}
