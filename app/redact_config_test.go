package app

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/internal/testdb"
	"github.com/totto-ci/totto/store"
)

// Operator redaction rules are read from config.yml and applied by the App's surfaces: the web UI
// the App mounts hides what the rule names. A broken rule stops the App at start with its name.
func TestRedactRulesFromConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yml")
	yml := fmt.Sprintf("database:\n  url: %s\nlogs:\n  storage: %s\nredact:\n  rules:\n    - name: vault tokens\n      regex: '(VAULT_TOKEN=)(?P<secret>\\S+)'\n",
		testdb.SQLiteURL(t), filepath.Join(dir, "logs"))
	if err := os.WriteFile(path, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path, false, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Redact.Rules) != 1 || cfg.Redact.Rules[0].Name != "vault tokens" {
		t.Fatalf("redact.rules read as %+v", cfg.Redact.Rules)
	}
	ctx := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel).WithContext(context.Background())
	a, err := New(ctx, cfg, Options{DevInsecure: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)

	repo, err := a.Store.UpsertRepository(t.Context(), store.Repository{FullName: "octo/widgets", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	j, err := a.Store.UpsertJob(t.Context(), store.Job{Provider: "github-actions", ExternalID: "1", Attempt: 1, RepoID: repo.ID,
		SHA: strings.Repeat("a", 40), Name: "build", Conclusion: "failure", StartedAt: &at, CompletedAt: &at})
	if err != nil {
		t.Fatal(err)
	}
	l, err := ingest.StoreLog(t.Context(), a.Store, a.Blobs, strings.NewReader("export VAULT_TOKEN=hvs.OPERATORSECRET\nexit 1\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Store.SetJobLog(t.Context(), j.ID, &l.ID, store.LogStored, ""); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	a.Handler().ServeHTTP(w, httptest.NewRequest("GET", fmt.Sprintf("/jobs/%d", j.ID), nil))
	if w.Code != 200 || strings.Contains(w.Body.String(), "OPERATORSECRET") || !strings.Contains(w.Body.String(), "VAULT_TOKEN=[REDACTED]") {
		t.Errorf("job page (status %d) does not apply the operator's rule:\n%.2000s", w.Code, w.Body.String())
	}

	cfg.Redact.Rules[0].Regex = "("
	if _, err := New(ctx, cfg, Options{DevInsecure: true}); err == nil || !strings.Contains(err.Error(), "vault tokens") {
		t.Errorf("New with a broken rule: %v, want an error naming it", err)
	}
}
