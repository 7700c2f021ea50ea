package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/totto-ci/totto/app"
	"github.com/totto-ci/totto/internal/fakegithub"
)

func rsaKey(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k, writeFile(t, "app.pem", string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})))
}

func allPermissions() map[string]string {
	m := map[string]string{}
	for k, v := range app.RequiredPermissions {
		m[k] = v
	}
	return m
}

// totto check passes against GitHub (the fake, checking the JWT as GitHub does) with the App's
// credentials, and fails naming the problem for each bad one.
func TestCheckCommand(t *testing.T) {
	gh := fakegithub.New(t)
	gh.AppID = 4242
	key, keyFile := rsaKey(t)
	lacking := allPermissions()
	lacking["issues"] = "read"
	gh.AppAuth(&key.PublicKey, allPermissions(), app.RequiredEvents,
		fakegithub.Installation{ID: 1, Account: "octo", Permissions: allPermissions(), Events: app.RequiredEvents},
		fakegithub.Installation{ID: 2, Account: "acme", Permissions: lacking, Events: app.RequiredEvents})
	_, otherKey := rsaKey(t)
	edKey := func() string {
		_, k, _ := ed25519.GenerateKey(rand.Reader)
		der, _ := x509.MarshalPKCS8PrivateKey(k)
		return writeFile(t, "ed.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))
	}()
	garbage := writeFile(t, "garbage.pem", "this is not a key\n")

	cases := []struct {
		name       string
		appID      string
		key        string
		code       int
		want       []string
		wantStderr string
	}{
		{"accepted, one installation lacks a permission", "4242", keyFile, exitFindings,
			[]string{`App "totto" (id 4242): credentials accepted`, "octo (installation 1, all repositories): ok",
				"acme (installation 2, all repositories): missing permission issues: write (has read)"}, "1 problem"},
		{"key of another App", "4242", otherKey, exitError, nil, "GitHub refused the App's credentials (401"},
		{"wrong App id", "99", keyFile, exitError, nil, "github.app_id 99 and the private key do not belong to one App"},
		{"garbage key", "4242", garbage, exitUsage, nil, "not PEM"},
		{"ed25519 key", "4242", edKey, exitUsage, nil, "Ed25519, but GitHub App keys are RSA"},
		{"no App id", "", keyFile, exitUsage, nil, "no GitHub App configured"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vars := map[string]string{"TOTTO_GITHUB_APP_ID": c.appID, "TOTTO_GITHUB_PRIVATE_KEY_PATH": c.key,
				"TOTTO_GITHUB_API_URL": gh.URL + "/api/v3/", "TOTTO_CONFIG": writeFile(t, "c.yml", "")}
			code, out, errOut := runWithEnv(t, vars, "check")
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, c.code, out, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			if !strings.Contains(errOut, c.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", c.wantStderr, errOut)
			}
		})
	}
	if n := len(gh.Violations()); n != 0 {
		t.Errorf("%d requests violated the API description", n)
	}
}
