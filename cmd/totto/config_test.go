package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// configEnv runs commands in-process with a given environment, from the working directory the
// test chose.
func configEnv(vars map[string]string, stdin string) (*cliEnv, *bytes.Buffer, *announcer) {
	var out bytes.Buffer
	errb := &announcer{want: "totto serving", seen: make(chan struct{})}
	environ := []string{}
	for k, v := range vars {
		environ = append(environ, k+"="+v)
	}
	return &cliEnv{stdin: strings.NewReader(stdin), stdout: &out, stderr: errb,
		getenv: func(k string) string { return vars[k] }, environ: func() []string { return environ }}, &out, errb
}

// Every command reads one configuration file the same way: the store and the log store it names
// (logs beside the SQLite file when logs.storage is unset) are the ones ingest writes, stats and
// rescan read, and serve shows, whichever directory each runs from.
func TestEveryCommandSameConfig(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	cfgFile := writeFile(t, "totto.yml", "database:\n  url: sqlite:"+filepath.Join(data, "totto.db")+
		"\nserver:\n  listen: 127.0.0.1:0\nscan:\n  builtin: false\n")
	run := func(t *testing.T, stdin string, args ...string) (int, string, string) {
		t.Helper()
		t.Chdir(t.TempDir()) // a different working directory for every command
		env, out, errb := configEnv(map[string]string{"TOTTO_CONFIG": cfgFile}, stdin)
		code := runCLI(t.Context(), env, args)
		if _, err := os.Stat("totto-logs"); err == nil {
			t.Errorf("%s wrote logs to the working directory", args[0])
		}
		return code, out.String(), errb.String()
	}
	patternFile := writeFile(t, "p.yml", "patterns:\n  - name: disk full\n    literal: 'No space left on device'\n")
	if code, out, errs := run(t, "", "patterns", "add", patternFile); code != 0 {
		t.Fatalf("patterns add: %d %s%s", code, out, errs)
	}
	code, out, errs := run(t, "setup\nwrite: No space left on device\n", "ingest", "--public", "--repo", "o/r", "--sha", "abc", "--job", "build", "-")
	if code != 0 || !strings.Contains(out, "disk full") {
		t.Fatalf("ingest: %d %s%s", code, out, errs)
	}
	if n := dirFiles(t, filepath.Join(data, "totto-logs")); n == 0 {
		t.Fatalf("ingest stored no log beside the database in %s", data)
	}
	if code, out, errs = run(t, "", "stats", "--format", "json"); code != 0 || !strings.Contains(out, `"jobs":1`) {
		t.Fatalf("stats: %d %s%s", code, out, errs)
	}
	// A new pattern makes rescan read the stored log back.
	if code, out, errs = run(t, "", "patterns", "add", writeFile(t, "q.yml", "patterns:\n  - name: setup\n    literal: 'setup'\n")); code != 0 {
		t.Fatalf("patterns add: %d %s%s", code, out, errs)
	}
	if code, out, errs = run(t, "", "rescan"); code != 0 || !strings.Contains(out, "rescanned 1 log(s), 1 match") {
		t.Fatalf("rescan (reads the log back): %d %s%s", code, out, errs)
	}
	// The store commands left the job queue's tables to `migrate`; once it ran on the same
	// database, --status reports nothing pending.
	if code, out, errs = run(t, "", "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s%s", code, out, errs)
	}
	if code, out, errs = run(t, "", "migrate", "--status"); code != 0 {
		t.Fatalf("migrate --status: %d %s%s", code, out, errs)
	}
	// scan.builtin: false holds for scan as for the store commands.
	logFile := writeFile(t, "x.log", "fatal: unable to access 'https://github.com/o/r/': Could not resolve host: github.com\n")
	if code, out, _ = run(t, "", "scan", "--format", "json", logFile); code != exitFindings || strings.Contains(out, `"best":{`) {
		t.Errorf("scan with scan.builtin false: exit %d %s", code, out)
	}

	// serve, from yet another directory, shows the log ingest stored.
	t.Chdir(t.TempDir())
	env, _, errb := configEnv(map[string]string{"TOTTO_CONFIG": cfgFile}, "")
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	go func() { done <- runCLI(ctx, env, []string{"serve", "--dev-insecure"}) }()
	defer func() { cancel(); <-done }()
	select {
	case <-errb.seen:
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, errb.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not start: %s", errb.String())
	}
	addr := servedAddr(t, errb.String())
	res, err := http.Get("http://" + addr + "/jobs/1")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(page), "No space left on device") {
		t.Errorf("serve does not show the stored log (%d):\n%.2000s", res.StatusCode, page)
	}
}

// servedAddr reads the address from serve's "totto serving" log line.
func servedAddr(t *testing.T, log string) string {
	t.Helper()
	for _, line := range strings.Split(log, "\n") {
		var l struct{ Message, Listen string }
		if json.Unmarshal([]byte(line), &l) == nil && l.Message == "totto serving" {
			return l.Listen
		}
	}
	t.Fatalf("no serving line in %s", log)
	return ""
}

func dirFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// Flags beat the environment, which beats the file; an unknown TOTTO_* variable is named with a
// suggestion, and the old TOTTO_LOG_STORE still works with a warning.
func TestConfigPrecedenceAndUnknownVariables(t *testing.T) {
	dir := t.TempDir()
	cfgFile := writeFile(t, "totto.yml", "database:\n  url: sqlite:"+filepath.Join(dir, "file.db")+"\n")
	env, out, errb := configEnv(map[string]string{
		"TOTTO_CONFIG":       cfgFile,
		"TOTTO_DATABASE_URL": "sqlite:" + filepath.Join(dir, "env.db"),
		"TOTTO_LOG_STORE":    filepath.Join(dir, "old-logs"),
		"TOTTO_WORKER_COUNT": "3",
		"TOTTO_PPROF":        "127.0.0.1:0",
	}, "")
	code := runCLI(t.Context(), env, []string{"migrate", "--database", "sqlite:" + filepath.Join(dir, "flag.db")})
	if code != 0 {
		t.Fatalf("migrate: %d %s%s", code, out, errb)
	}
	if _, err := os.Stat(filepath.Join(dir, "flag.db")); err != nil {
		t.Errorf("--database not used: %v", err)
	}
	for _, unused := range []string{"file.db", "env.db"} {
		if _, err := os.Stat(filepath.Join(dir, unused)); err == nil {
			t.Errorf("%s created although --database was given", unused)
		}
	}
	for _, want := range []string{"TOTTO_WORKER_COUNT", "did you mean TOTTO_WORKERS_COUNT", "TOTTO_LOG_STORE is deprecated: use TOTTO_LOGS_STORAGE",
		"TOTTO_PPROF is set, but this binary was built without -tags pprofdebug"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
	env, out, errb = configEnv(map[string]string{"TOTTO_CONFIG": cfgFile}, "")
	if code := runCLI(t.Context(), env, []string{"stats", "--config", filepath.Join(dir, "absent.yml")}); code != exitUsage || !strings.Contains(errb.String(), "absent.yml") {
		t.Errorf("a missing --config file: exit %d, %s%s", code, out, errb)
	}
}

// ingest reads gzip like scan, and refuses binary input without storing anything.
func TestIngestGzipAndBinary(t *testing.T) {
	e := newStoreEnv(t, "")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	io.WriteString(zw, "setup\nE: Hash Sum mismatch\n")
	zw.Close()
	gzFile := writeFile(t, "job.log.gz", gz.String())
	code, out, errs := e.run(t, "", "ingest", "--builtin=false", "--repo", "o/r", "--sha", "abc", "--job", "build", gzFile)
	if code != 0 || !strings.Contains(out, "2 lines, 27 bytes") {
		t.Fatalf("gzip ingest: %d %s%s", code, out, errs)
	}
	bin := writeFile(t, "a.out", "\x7fELF\x02\x01\x01\x00\x00\x00binary")
	code, out, errs = e.run(t, "", "ingest", "--builtin=false", "--repo", "o/r", "--sha", "abc", "--job", "test", bin)
	if code != exitError || !strings.Contains(errs, "not a text log") {
		t.Fatalf("binary ingest: exit %d %s%s", code, out, errs)
	}
	if s := e.stats(t); s["jobs"] != 1 || s["logs"] != 1 {
		t.Errorf("binary input stored something: %v", s)
	}
	// scan refuses it with the same error, and still reads gzip.
	code, out, errs = e.run(t, "", "scan", bin)
	if code == 0 || !strings.Contains(errs, "not a text log") {
		t.Errorf("binary scan: exit %d %s%s", code, out, errs)
	}
	if code, out, errs = e.run(t, "", "scan", gzFile); code == exitError || !strings.Contains(out, "Hash Sum mismatch") {
		t.Errorf("gzip scan: exit %d %s%s", code, out, errs)
	}
}
