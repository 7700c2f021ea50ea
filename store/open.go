package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// DefaultURL is the store used when none is configured: an embedded SQLite file in the working
// directory, so `totto ingest` works with no setup.
const DefaultURL = "sqlite:totto.db"

// Opener opens a store from a URL of its scheme, migrating it as o says.
type Opener func(ctx context.Context, url string, o OpenOptions) (Store, error)

// OpenOptions say what opening does to the schema; the zero value applies every migration.
type OpenOptions struct {
	// NoMigrate opens without touching the schema (`totto migrate --status`).
	NoMigrate bool
	// MigrateTo applies migrations up to this version only (`totto migrate --to`); 0 applies
	// all. A database already past it is refused: migrations only go forward.
	MigrateTo int64
}

var (
	backendsMu sync.RWMutex
	backends   = map[string]Opener{}
)

// RegisterBackend makes a backend available to Open under URL schemes. The backends register
// themselves in init (store/sqlite, store/postgres) so that this package does not import them
// (they import it); a program selects them with a blank import.
func RegisterBackend(open Opener, schemes ...string) {
	backendsMu.Lock()
	defer backendsMu.Unlock()
	for _, s := range schemes {
		backends[s] = open
	}
}

// Open opens the store a URL names: "sqlite:PATH" (also "sqlite://PATH", "sqlite::memory:"),
// "postgres://…" or "postgresql://…". Migrations are applied before it returns.
func Open(ctx context.Context, url string) (Store, error) {
	return OpenWith(ctx, url, OpenOptions{})
}

// OpenWith is Open with a choice of what happens to the schema.
func OpenWith(ctx context.Context, url string, o OpenOptions) (Store, error) {
	if url == "" {
		url = DefaultURL
	}
	scheme, _, ok := strings.Cut(url, ":")
	if !ok || scheme == "" {
		return nil, fmt.Errorf("open store %q: no scheme; use sqlite:PATH or postgres://…", url)
	}
	backendsMu.RLock()
	open, found := backends[strings.ToLower(scheme)]
	known := make([]string, 0, len(backends))
	for s := range backends {
		known = append(known, s)
	}
	backendsMu.RUnlock()
	if !found {
		sort.Strings(known)
		return nil, fmt.Errorf("open store %q: unknown scheme %q (known: %s)", Redact(url), scheme, strings.Join(known, ", "))
	}
	return open(ctx, url, o)
}

// Redact hides the password of a database URL, so errors and logs can show which database
// failed without leaking credentials.
func Redact(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return url
	}
	cred := rest[:at]
	if user, _, hasPass := strings.Cut(cred, ":"); hasPass {
		return scheme + "://" + user + ":xxxxx@" + rest[at+1:]
	}
	return url
}
