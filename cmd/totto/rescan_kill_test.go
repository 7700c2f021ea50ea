package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	"github.com/totto-ci/totto/store/storetest"
)

// TestBinaryFaults runs the release binary (built by scripts/build.sh, as the image's is):
// concurrent migrations, and a rescan killed with SIGKILL mid-way and rerun, which must end with
// exactly the matches of an uninterrupted scan.
func TestBinaryFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go tool not found: cannot build the binary")
	}
	bin := filepath.Join(t.TempDir(), "totto")
	build := exec.Command("sh", "./scripts/build.sh", bin, "v0.0.0-test", "0000000")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("scripts/build.sh: %v\n%s", err, out)
	}
	backends := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "totto.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresURL(t) },
	}
	for name, newURL := range backends {
		t.Run("migrate concurrently/"+name, func(t *testing.T) {
			t.Parallel()
			url := newURL(t)
			var wg sync.WaitGroup
			outs := make([][]byte, 3)
			errs := make([]error, 3)
			for i := range outs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					outs[i], errs[i] = exec.Command(bin, "migrate", "--database", url).CombinedOutput()
				}()
			}
			wg.Wait()
			for i := range outs {
				if errs[i] != nil {
					t.Errorf("migrate #%d: %v\n%s", i, errs[i], outs[i])
				}
			}
		})
		t.Run("rescan killed/"+name, func(t *testing.T) {
			t.Parallel()
			testRescanKilled(t, bin, newURL)
		})
	}
}

// seedLogs stores n deterministic jobs with ~25 KB logs and a few patterns.
func seedLogs(t *testing.T, url, logDir string, n int) {
	t.Helper()
	ctx := t.Context()
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	blobs, err := blob.Open(ctx, logDir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := st.UpsertRepository(ctx, store.Repository{FullName: "o/r", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	events := []string{"E: Hash Sum mismatch", "--- FAIL: TestThing (0.%ds)", "fatal: unable to access 'https://x/': 502", "Killed"}
	for i := range n {
		var b strings.Builder
		for line := range 600 {
			if rng.IntN(100) == 0 {
				fmt.Fprintf(&b, events[rng.IntN(len(events))]+"\n", line%10)
				continue
			}
			fmt.Fprintf(&b, "[%05d] step %d building package %x ok\n", line, i, rng.Uint64())
		}
		l, err := ingest.StoreLog(ctx, st, blobs, strings.NewReader(b.String()), 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpsertJob(ctx, store.Job{Provider: "ingest", ExternalID: fmt.Sprint(i), RepoID: r.ID, SHA: "s",
			Name: []string{"build", "test"}[i%2], LogID: &l.ID}); err != nil {
			t.Fatal(err)
		}
	}
	lits := func(name, kind, expr string, jobs ...string) store.Pattern {
		return store.Pattern{Pattern: patterns.Pattern{Name: name, Kind: patterns.Kind(kind), Expr: expr, Jobs: jobs, Source: "t"}}
	}
	if _, err := st.AddPatterns(ctx, []store.Pattern{
		lits("apt", "literal", "Hash Sum mismatch"),
		lits("go test", "regex", `^--- FAIL: (\w+)`, "test"),
		lits("http 502", "regex", `unable to access '([^']+)': 502`),
		lits("oom", "literal", "Killed"),
	}, "test"); err != nil {
		t.Fatal(err)
	}
}

// matchSet lists a store's matches by content (log hash, pattern name, position, text).
func matchSet(t *testing.T, url string) []string {
	t.Helper()
	ctx := t.Context()
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ms, err := st.Matches(ctx, store.MatchFilter{})
	if err != nil {
		t.Fatal(err)
	}
	sha := map[int64]string{}
	var out []string
	for _, m := range ms {
		if _, ok := sha[m.LogID]; !ok {
			l, err := st.Log(ctx, m.LogID)
			if err != nil {
				t.Fatal(err)
			}
			sha[m.LogID] = l.SHA256
		}
		out = append(out, fmt.Sprintf("%s %s L%d %d-%d %q %q", sha[m.LogID][:12], m.Pattern, m.Line, m.Start, m.End, m.Captures, m.Text))
	}
	slices.Sort(out)
	return out
}

func testRescanKilled(t *testing.T, bin string, newURL func(t *testing.T) string) {
	const logs = 300
	ctx := t.Context()
	refURL, refLogs := newURL(t), t.TempDir()
	seedLogs(t, refURL, refLogs, logs)
	e := newStoreEnv(t, refURL)
	e.logs = refLogs
	if code, out, errs := e.run(t, "", "rescan"); code != 0 {
		t.Fatalf("reference rescan: exit %d\n%s%s", code, out, errs)
	}
	want := matchSet(t, refURL)
	if len(want) < logs {
		t.Fatalf("reference scan found only %d matches", len(want))
	}

	url, logDir := newURL(t), t.TempDir()
	seedLogs(t, url, logDir, logs)
	cmd := exec.CommandContext(ctx, bin, "rescan", "--progress-every", "1", "--workers", "2", "--database", url, "--logs", logDir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	progressed := false
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "rescan: ") && !strings.HasPrefix(sc.Text(), "rescan: 0/") {
			progressed = true
			break
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup of any kind
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if !progressed {
		t.Fatalf("rescan printed no progress before exiting; stderr: %s", stderr.String())
	}
	e2 := newStoreEnv(t, url)
	e2.logs = logDir
	left := e2.stats(t)
	if left["unscanned_logs"] == 0 || left["unscanned_logs"] == logs {
		t.Fatalf("after the kill %d of %d logs are unscanned: the kill did not land mid-rescan", left["unscanned_logs"], logs)
	}
	t.Logf("killed with %d of %d logs left", left["unscanned_logs"], logs)

	if code, out, errs := e2.run(t, "", "rescan"); code != 0 {
		t.Fatalf("resumed rescan: exit %d\n%s%s", code, out, errs)
	}
	got := matchSet(t, url)
	if !slices.Equal(got, want) {
		t.Fatalf("after kill and resume: %d matches, uninterrupted: %d (lost or doubled matches)", len(got), len(want))
	}
	if s := e2.stats(t); s["unscanned_pairs"] != 0 {
		t.Fatalf("stats after resume: %v", s)
	}
}
