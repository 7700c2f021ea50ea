package app

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadConfigRepoFile(t *testing.T) {
	c, err := LoadConfig("../config.yml", false, env(nil))
	if err != nil {
		t.Fatalf("the shipped config.yml must load: %v", err)
	}
	if c.Database.URL != "sqlite:totto.db" || !c.Scan.Builtin || c.Workers.Count != 4 {
		t.Errorf("unexpected values from config.yml: %+v", c)
	}
}

func TestLoadConfigEnvOverrides(t *testing.T) {
	c, err := LoadConfig("", true, env(map[string]string{
		"TOTTO_DATABASE_URL":            "postgres://x@127.0.0.1/db",
		"TOTTO_GITHUB_APP_ID":           "42",
		"TOTTO_GITHUB_WEBHOOK_SECRET":   "s3cret",
		"TOTTO_SCAN_BUILTIN":            "false",
		"TOTTO_WORKERS_COUNT":           "9",
		"TOTTO_SERVER_PUBLIC_URL":       "https://totto.example",
		"TOTTO_LOGS_MAX_BYTES":          "1024",
		"TOTTO_GITHUB_PRIVATE_KEY_PATH": "/k.pem",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Database.URL != "postgres://x@127.0.0.1/db" || c.GitHub.AppID != 42 || c.GitHub.WebhookSecret != "s3cret" ||
		c.Scan.Builtin || c.Workers.Count != 9 || c.Server.PublicURL != "https://totto.example" ||
		c.Logs.MaxBytes != 1024 || c.GitHub.PrivateKeyPath != "/k.pem" {
		t.Errorf("overrides not applied: %+v", c)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, path string
		env        map[string]string
		optional   bool
		want       string
	}{
		{"unknown key", write("a.yml", "database:\n  ulr: x\n"), nil, false, "field ulr not found"},
		{"bad type", write("b.yml", "workers:\n  count: many\n"), nil, false, "cannot unmarshal"},
		{"missing required file", filepath.Join(dir, "none.yml"), nil, false, "reading config"},
		{"bad env int", "", map[string]string{"TOTTO_WORKERS_COUNT": "x"}, true, "TOTTO_WORKERS_COUNT"},
		{"bad env bool", "", map[string]string{"TOTTO_SCAN_BUILTIN": "maybe"}, true, "TOTTO_SCAN_BUILTIN"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadConfig(tc.path, tc.optional, env(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestLoadConfigOptionalMissingAndEmpty(t *testing.T) {
	dir := t.TempDir()
	c, err := LoadConfig(filepath.Join(dir, "absent.yml"), true, env(nil))
	if err != nil || !reflect.DeepEqual(c, DefaultConfig()) {
		t.Fatalf("missing optional file: %v %+v", err, c)
	}
	empty := filepath.Join(dir, "empty.yml")
	os.WriteFile(empty, nil, 0o600)
	c, err = LoadConfig(empty, false, env(nil))
	if err != nil || !reflect.DeepEqual(c, DefaultConfig()) {
		t.Fatalf("empty file: %v %+v", err, c)
	}
}
