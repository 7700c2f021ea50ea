package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/totto-ci/totto/store/storetest"
)

// versions reads the store's and the queue's "version N (newest known M)" from migrate's output.
func versions(t *testing.T, out string) (store, storeLatest, queue, queueLatest int) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^(store schema|queue tables): version (\d+) \(newest known (\d+)\)$`)
	m := re.FindAllStringSubmatch(out, -1)
	if len(m) != 2 {
		t.Fatalf("no versions in %q", out)
	}
	n := func(s string) int { v, _ := strconv.Atoi(s); return v }
	return n(m[0][2]), n(m[0][3]), n(m[1][2]), n(m[1][3])
}

// totto migrate: --status only reports, --to stops at a version and never goes back, and a plain
// run brings the store's schema and the queue's tables up to date.
func TestMigrateCommand(t *testing.T) {
	backends := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "totto.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresURL(t) },
	}
	for name, newURL := range backends {
		t.Run(name, func(t *testing.T) {
			e := newStoreEnv(t, newURL(t))
			code, out, errs := e.run(t, "", "migrate", "--status")
			if code != exitFindings || !strings.Contains(errs, "migrations pending") {
				t.Fatalf("--status on a fresh database: exit %d\n%s%s", code, out, errs)
			}
			st, latest, q, qLatest := versions(t, out)
			if st != 0 || q != 0 || latest < 2 || qLatest < 1 {
				t.Fatalf("--status on a fresh database reports %q: it must change nothing", out)
			}
			code, out, _ = e.run(t, "", "migrate", "--status")
			if st, _, q, _ := versions(t, out); code != exitFindings || st != 0 || q != 0 {
				t.Fatalf("a second --status found the schema changed: %q", out)
			}

			code, out, errs = e.run(t, "", "migrate", "--to", "1")
			if st, _, q, _ := versions(t, out); code != 0 || st != 1 || q != qLatest {
				t.Fatalf("--to 1: exit %d, %q%s; want the store at 1 and the queue up to date", code, out, errs)
			}
			if code, _, errs := e.run(t, "", "migrate", "--to", fmt.Sprint(latest+1)); code == 0 || !strings.Contains(errs, "newest this totto knows") {
				t.Fatalf("--to past the newest: exit %d %q", code, errs)
			}

			code, out, errs = e.run(t, "", "migrate")
			if st, _, _, _ := versions(t, out); code != 0 || st != latest {
				t.Fatalf("migrate: exit %d, %q%s; want version %d", code, out, errs, latest)
			}
			if code, _, errs := e.run(t, "", "migrate", "--to", "1"); code == 0 || !strings.Contains(errs, "only go forward") {
				t.Fatalf("--to an older version: exit %d %q", code, errs)
			}
			code, out, errs = e.run(t, "", "migrate", "--status")
			if st, _, q, _ := versions(t, out); code != 0 || st != latest || q != qLatest {
				t.Fatalf("--status after migrating: exit %d %q%s", code, out, errs)
			}
			if code, _, errs := e.run(t, "", "migrate", "--status", "--to", "3"); code != exitUsage {
				t.Fatalf("--status --to: exit %d %q, want a usage error", code, errs)
			}
		})
	}
}
