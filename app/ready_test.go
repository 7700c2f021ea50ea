package app

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/internal/fakegithub"
	"github.com/totto-ci/totto/internal/testdb"
)

func testRSAKey(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k, string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
}

func appWithKey(t *testing.T, apiURL string, appID int64, key string) (*App, error) {
	cfg := DefaultConfig()
	cfg.Database.URL = testdb.SQLiteURL(t)
	cfg.GitHub.WebhookSecret = testSecret
	cfg.GitHub.AppID = appID
	cfg.GitHub.PrivateKey = key
	cfg.GitHub.APIURL = apiURL
	ctx := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel).WithContext(context.Background())
	a, err := New(ctx, cfg, Options{})
	if err == nil {
		t.Cleanup(a.Close)
	}
	return a, err
}

// A key that is not a GitHub App key stops the App at start, naming what it is.
func TestNewRefusesBadPrivateKey(t *testing.T) {
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(ed)
	_, rsaPEM := testRSAKey(t)
	cases := map[string]struct {
		key  string
		id   int64
		want string
	}{
		"garbage":       {"not a key at all", 1, "not PEM"},
		"ed25519":       {string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), 1, "Ed25519"},
		"public key":    {string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1}})), 1, "public key, not the App's private key"},
		"flattened PEM": {strings.ReplaceAll(rsaPEM, "\n", " "), 1, "PEM armour is damaged"},
		"key, no id":    {rsaPEM, 0, "github.app_id"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := appWithKey(t, "", c.id, c.key)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("New: %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func readyz(t *testing.T, a *App) (int, readiness) {
	t.Helper()
	w := httptest.NewRecorder()
	a.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	var rd readiness
	if err := json.Unmarshal(w.Body.Bytes(), &rd); err != nil {
		t.Fatalf("/readyz body %q: %v", w.Body, err)
	}
	return w.Code, rd
}

// /readyz reports GitHub refusing the App's credentials (a key of another App) and the database,
// and is ready once both work.
func TestReadyz(t *testing.T) {
	gh := fakegithub.New(t)
	gh.AppID = testAppID
	key, keyPEM := testRSAKey(t)
	gh.AppAuth(&key.PublicKey, RequiredPermissions, RequiredEvents)
	_, otherPEM := testRSAKey(t)

	bad, err := appWithKey(t, gh.URL+"/api/v3/", testAppID, otherPEM)
	if err != nil {
		t.Fatal(err)
	}
	if code, rd := readyz(t, bad); code != http.StatusServiceUnavailable || !strings.Contains(rd.GitHub, "checking") {
		t.Errorf("before the first answer: %d %+v, want 503 checking", code, rd)
	}
	if err := bad.auth.refresh(t.Context()); err == nil {
		t.Fatal("GitHub accepted another App's key")
	}
	if code, rd := readyz(t, bad); code != http.StatusServiceUnavailable || !strings.Contains(rd.GitHub, "401") || rd.Database != "ok" {
		t.Errorf("bad key: %d %+v, want 503 naming the 401", code, rd)
	}

	good, err := appWithKey(t, gh.URL+"/api/v3/", testAppID, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if err := good.auth.refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if code, rd := readyz(t, good); code != http.StatusOK || rd.GitHub != "ok" {
		t.Errorf("good key: %d %+v, want 200", code, rd)
	}
	good.Store.Close() // the database goes away
	if code, rd := readyz(t, good); code != http.StatusServiceUnavailable || rd.Database == "ok" {
		t.Errorf("closed database: %d %+v, want 503", code, rd)
	}
}
