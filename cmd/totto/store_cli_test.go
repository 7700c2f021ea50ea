package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/totto-ci/totto/store/storetest"
)

// storeEnv is a cliEnv whose store lives in the test's temporary directory (or the given URL).
type storeEnv struct {
	dbURL string
	logs  string
}

func newStoreEnv(t *testing.T, dbURL string) storeEnv {
	t.Helper()
	dir := t.TempDir()
	if dbURL == "" {
		dbURL = "sqlite:" + filepath.Join(dir, "totto.db")
	}
	return storeEnv{dbURL: dbURL, logs: filepath.Join(dir, "logs")}
}

// run runs a command in-process; the store comes from the environment, as users set it.
func (e storeEnv) run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(k string) string {
		switch k {
		case "TOTTO_DATABASE_URL":
			return e.dbURL
		case "TOTTO_LOGS_STORAGE":
			return e.logs
		}
		return ""
	}}
	code = runCLI(t.Context(), env, args)
	return code, out.String(), errb.String()
}

func (e storeEnv) stats(t *testing.T) map[string]int64 {
	t.Helper()
	code, out, errs := e.run(t, "", "stats", "--format", "json")
	if code != 0 {
		t.Fatalf("stats: exit %d: %s", code, errs)
	}
	var m map[string]int64
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("stats output %q: %v", out, err)
	}
	return m
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const cliPatterns = `patterns:
  - name: apt mirror
    literal: "Hash Sum mismatch"
    tags: [flaky]
  - name: go test failure
    regex: '^--- FAIL: (\w+)'
`

func TestStoreCLI(t *testing.T) {
	backends := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "" },
		"postgres": func(t *testing.T) string { return storetest.PostgresURL(t) },
	}
	for name, url := range backends {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newStoreEnv(t, url(t))
			log1 := writeFile(t, "job.log", "setup\nE: Hash Sum mismatch\n--- FAIL: TestX (0.1s)\n")

			// --builtin=false: this test follows the user's own patterns only.
			code, out, errs := e.run(t, "", "ingest", "--builtin=false", "--repo", "o/r", "--sha", "abc", "--job", "build", log1)
			if code != 0 || !strings.Contains(out, "3 lines") {
				t.Fatalf("ingest: exit %d\n%s%s", code, out, errs)
			}
			if s := e.stats(t); s["jobs"] != 1 || s["logs"] != 1 || s["patterns"] != 0 {
				t.Fatalf("stats after ingest = %v", s)
			}

			pf := writeFile(t, "p.yml", cliPatterns)
			code, out, errs = e.run(t, "", "patterns", "add", pf)
			if code != 0 || !strings.Contains(out, "2 created") {
				t.Fatalf("patterns add: exit %d\n%s%s", code, out, errs)
			}
			if s := e.stats(t); s["patterns"] != 2 || s["unscanned_pairs"] != 2 || s["matches"] != 0 {
				t.Fatalf("stats after patterns add = %v", s)
			}
			code, out, errs = e.run(t, "", "patterns", "add", pf)
			if code != 0 || !strings.Contains(out, "2 unchanged") {
				t.Fatalf("patterns add again: exit %d\n%s%s", code, out, errs)
			}

			code, out, errs = e.run(t, "", "rescan", "--builtin=false")
			if code != 0 || !strings.Contains(out, "rescanned 1 log(s), 2 match(es)") {
				t.Fatalf("rescan: exit %d\n%s%s", code, out, errs)
			}
			if s := e.stats(t); s["matches"] != 2 || s["unscanned_pairs"] != 0 {
				t.Fatalf("stats after rescan = %v", s)
			}

			// A new job from stdin is scanned at once; the same content is stored once.
			code, out, errs = e.run(t, "E: Hash Sum mismatch\n", "ingest", "--builtin=false", "--repo", "o/r", "--sha", "def", "--job", "test",
				"--conclusion", "success", "--branch", "main", "-")
			if code != 0 || !strings.Contains(out, "line 1: apt mirror: E: Hash Sum mismatch") {
				t.Fatalf("ingest from stdin: exit %d\n%s%s", code, out, errs)
			}
			code, _, _ = e.run(t, "", "ingest", "--builtin=false", "--repo", "o/r", "--sha", "abc", "--job", "build", log1)
			if s := e.stats(t); code != 0 || s["jobs"] != 2 || s["logs"] != 2 || s["matches"] != 3 {
				t.Fatalf("re-ingest: exit %d, stats %v", code, s)
			}

			code, out, _ = e.run(t, "", "stats")
			if code != 0 || !strings.Contains(out, "unscanned pairs  0") {
				t.Fatalf("stats text: %d %q", code, out)
			}
			code, out, _ = e.run(t, "", "migrate", "--status")
			if code != exitFindings || !strings.Contains(out, "store schema: version") {
				t.Fatalf("migrate --status before the queue's tables exist: %d %q", code, out)
			}
		})
	}
}

// By default the store commands scan with the built-in packs, as the App does.
func TestIngestUsesBuiltinPacks(t *testing.T) {
	e := newStoreEnv(t, "")
	log := writeFile(t, "apt.log", "Reading package lists...\nE: Failed to fetch http://archive.ubuntu.com/ubuntu/dists/jammy/main/binary-amd64/by-hash/SHA256/ab12  Hash Sum mismatch\n")
	code, out, errs := e.run(t, "", "ingest", "--repo", "o/r", "--sha", "abc", "--job", "build", log)
	if code != 0 || !strings.Contains(out, "line 2: apt hash sum mismatch:") {
		t.Fatalf("ingest: exit %d\n%s%s", code, out, errs)
	}
	if s := e.stats(t); s["patterns"] < 50 || s["matches"] != 1 {
		t.Fatalf("stats = %v; want the built-in packs stored and one match", s)
	}
}

func TestStoreCLIUsage(t *testing.T) {
	e := newStoreEnv(t, "")
	log := writeFile(t, "l.log", "x\n")
	bad := writeFile(t, "bad.yml", "patterns:\n  - name: r\n    regex: 'a('\n")
	tests := []struct {
		name   string
		args   []string
		code   int
		output string
	}{
		{"ingest help", []string{"ingest", "--help"}, exitOK, "usage: totto ingest"},
		{"rescan help", []string{"rescan", "--help"}, exitOK, "usage: totto rescan"},
		{"stats help", []string{"stats", "--help"}, exitOK, "usage: totto stats"},
		{"migrate help", []string{"migrate", "--help"}, exitOK, "usage: totto migrate"},
		{"patterns add help", []string{"patterns", "add", "--help"}, exitOK, "usage: totto patterns add"},
		{"ingest without flags", []string{"ingest", log}, exitUsage, "--repo, --sha and --job are required"},
		{"ingest bad repo", []string{"ingest", "--repo", "norepo", "--sha", "a", "--job", "j", log}, exitUsage, "want OWNER/NAME"},
		{"ingest bad conclusion", []string{"ingest", "--repo", "o/r", "--sha", "a", "--job", "j", "--conclusion", "meh", log}, exitUsage, "want failure or success"},
		{"ingest missing log", []string{"ingest", "--repo", "o/r", "--sha", "a", "--job", "j", log + ".nope"}, exitError, "no such file"},
		{"stats bad format", []string{"stats", "--format", "xml"}, exitUsage, "want json or text"},
		{"bad database", []string{"stats", "--database", "mysql://x"}, exitError, `unknown scheme "mysql"`},
		{"patterns add bad file", []string{"patterns", "add", bad}, exitFindings, "bad regex"},
		{"patterns add nothing", []string{"patterns", "add"}, exitUsage, "no pattern file given"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := e.run(t, "", tc.args...)
			if code != tc.code || !strings.Contains(out+errs, tc.output) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant output containing %q", code, tc.code, out, errs, tc.output)
			}
		})
	}
	if s := e.stats(t); s["jobs"] != 0 || s["patterns"] != 0 {
		t.Fatalf("failed commands changed the store: %v", s)
	}
}

// TestIngestUnwritableLogStore: the log cannot be stored, so nothing reaches the database.
func TestIngestUnwritableLogStore(t *testing.T) {
	e := newStoreEnv(t, "")
	if err := os.WriteFile(e.logs, []byte("a file, not a directory"), 0o444); err != nil {
		t.Fatal(err)
	}
	log := writeFile(t, "l.log", "x\n")
	code, _, errs := e.run(t, "", "ingest", "--repo", "o/r", "--sha", "a", "--job", "j", log)
	if code != exitError || !strings.Contains(errs, e.logs) {
		t.Fatalf("exit %d, stderr %q: want %d naming %s", code, errs, exitError, e.logs)
	}
	e.logs = t.TempDir()
	if s := e.stats(t); s["jobs"] != 0 || s["logs"] != 0 {
		t.Fatalf("database changed: %v", s)
	}
}
