package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

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
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TOTTO_TEST_POSTGRES: %v", err)
	}
	qv := u.Query()
	qv.Set("search_path", schema)
	u.RawQuery = qv.Encode()
	return u.String()
}
