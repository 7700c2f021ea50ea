package main

import (
	"context"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
)

// runPG prepares and disturbs the Postgres the suite runs on: create or drop a run's schema, or
// terminate every connection whose search path is that schema (a database failover, as totto sees it).
func runPG(ctx context.Context, args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("usage: loadgen pg create|drop|terminate URL SCHEMA")
	}
	op, base, schema := args[0], args[1], args[2]
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", base, err)
	}
	defer conn.Close(ctx)
	id := pgx.Identifier{schema}.Sanitize()
	switch op {
	case "create":
		if _, err := conn.Exec(ctx, "CREATE SCHEMA "+id); err != nil {
			return fmt.Errorf("create schema %s: %w", schema, err)
		}
		u, err := url.Parse(base)
		if err != nil {
			return fmt.Errorf("database URL %q: %w", base, err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		q.Set("application_name", schema)
		u.RawQuery = q.Encode()
		fmt.Println(u.String())
	case "drop":
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+id+" CASCADE"); err != nil {
			return fmt.Errorf("drop schema %s: %w", schema, err)
		}
	case "terminate":
		var n int
		err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE application_name = $1 AND pid <> pg_backend_pid()`, schema).Scan(&n)
		if err != nil {
			return fmt.Errorf("terminate connections of %s: %w", schema, err)
		}
		fmt.Println(n)
	default:
		return fmt.Errorf("pg %q: want create, drop or terminate", op)
	}
	return nil
}
