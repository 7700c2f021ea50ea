package queue

import (
	"fmt"
	"strings"
)

// backend names the database family a URL selects.
type backend int

const (
	backendSQLite backend = iota + 1
	backendPostgres
)

// parseURL splits a store URL (the same forms the store accepts: `sqlite:PATH` or `postgres://…` /
// `postgresql://…`) into its backend and the string the driver needs (a file path or a pgx URL).
func parseURL(dbURL string) (backend, string, error) {
	switch {
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		return backendPostgres, dbURL, nil
	case strings.HasPrefix(dbURL, "sqlite:"):
		path := strings.TrimPrefix(dbURL, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return 0, "", fmt.Errorf("database URL %q: sqlite: needs a file path", dbURL)
		}
		return backendSQLite, path, nil
	default:
		return 0, "", fmt.Errorf("database URL %q: want sqlite:PATH or postgres://…", dbURL)
	}
}
