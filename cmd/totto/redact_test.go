package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `totto scan` prints log text through the same redactor as the App: a private key in the
// likely-cause excerpt is hidden whole, a token in a matched line is hidden, in every format, and
// the operator's rules from config.yml apply.
func TestScanOutputRedacted(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "job.log")
	key := "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"
	log := strings.Join([]string{"step: deploy", "-----BEGIN RSA PRIVATE KEY-----", key,
		"-----END RSA PRIVATE KEY-----", "LEAKY npm_abcdefghijklmnopqrstuvwxyz0123456789 corp-secret-99",
		"Error: deploy failed", "exit 1"}, "\n") + "\n"
	if err := os.WriteFile(logPath, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	pats := filepath.Join(dir, "p.yml")
	if err := os.WriteFile(pats, []byte("patterns:\n  - name: leaky\n    literal: LEAKY\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfg, []byte("redact:\n  rules:\n    - name: corp\n      regex: 'corp-secret-\\d+'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json", "markdown"} {
		var out, errb bytes.Buffer
		env := &cliEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string {
			if k == "TOTTO_CONFIG" {
				return cfg
			}
			return ""
		}}
		runCLI(context.Background(), env, []string{"scan", "--patterns", pats, "--format", format, logPath})
		if !strings.Contains(out.String(), "LEAKY") {
			t.Fatalf("%s: the match is not printed:\n%s\n%s", format, out.String(), errb.String())
		}
		for _, s := range []string{key, "npm_abcdefghijklmnopqrstuvwxyz0123456789", "corp-secret-99"} {
			if strings.Contains(out.String(), s) {
				t.Errorf("%s output shows %q:\n%s", format, s, out.String())
			}
		}
	}
}
