package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/google/go-github/v89/github"

	"github.com/totto-ci/totto/metrics"
)

// keyFix ends every private-key error: what to do about it.
const keyFix = "use the .pem file from the App's settings page (General → Private keys → Generate a private key)"

// ParsePrivateKey checks that pemData is a GitHub App private key: a PEM-encoded RSA key (PKCS#1,
// as GitHub generates it, or PKCS#8). Anything else is refused with what it is instead, so a
// wrong file is found at start and not by every job failing with 401.
func ParsePrivateKey(pemData []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemData)
	if block == nil {
		if strings.Contains(string(pemData), "BEGIN") {
			return nil, fmt.Errorf("the private key's PEM armour is damaged (line breaks lost when it was pasted into an environment variable?); %s", keyFix)
		}
		return nil, fmt.Errorf("the private key is not PEM (no -----BEGIN ... PRIVATE KEY----- block); %s", keyFix)
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		if _, encrypted := block.Headers["Proc-Type"]; encrypted {
			return nil, fmt.Errorf("the private key is encrypted with a passphrase: totto needs it unencrypted; %s", keyFix)
		}
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("the RSA private key does not parse (%v); %s", err, keyFix)
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("the PKCS#8 private key does not parse (%v); %s", err, keyFix)
		}
		switch k := k.(type) {
		case *rsa.PrivateKey:
			return k, nil
		case ed25519.PrivateKey:
			return nil, fmt.Errorf("the private key is Ed25519, but GitHub App keys are RSA; %s", keyFix)
		case *ecdsa.PrivateKey:
			return nil, fmt.Errorf("the private key is ECDSA, but GitHub App keys are RSA; %s", keyFix)
		default:
			return nil, fmt.Errorf("the private key is %T, but GitHub App keys are RSA; %s", k, keyFix)
		}
	case "OPENSSH PRIVATE KEY":
		return nil, fmt.Errorf("the private key is an OpenSSH key (ssh-keygen), not a GitHub App key; %s", keyFix)
	case "ENCRYPTED PRIVATE KEY":
		return nil, fmt.Errorf("the private key is encrypted with a passphrase: totto needs it unencrypted; %s", keyFix)
	case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
		return nil, fmt.Errorf("the file holds a %s, not the App's private key; %s", strings.ToLower(block.Type), keyFix)
	default:
		return nil, fmt.Errorf("the PEM block is %q, not an RSA private key; %s", block.Type, keyFix)
	}
}

// checkAppCredentials refuses a configuration whose App id and private key cannot work: a key
// without an App id, or a key that is not an RSA private key. Without a key the App still
// receives webhooks (the pipeline cannot call GitHub, which New warns about).
func checkAppCredentials(cfg Config, key []byte) error {
	switch {
	case len(key) == 0:
		return nil
	case cfg.GitHub.AppID == 0:
		return errors.New("a GitHub App private key is set but github.app_id (TOTTO_GITHUB_APP_ID) is not: set the App ID shown on the App's settings page")
	case cfg.GitHub.AppID < 0:
		return fmt.Errorf("github.app_id %d: want the App ID shown on the App's settings page", cfg.GitHub.AppID)
	}
	if _, err := ParsePrivateKey(key); err != nil {
		return fmt.Errorf("github private key: %w", err)
	}
	return nil
}

// CheckAppConfig checks, without calling GitHub, that an App is configured and its private key is
// one: an App id, and an RSA private key that loads.
func CheckAppConfig(cfg Config) error {
	key, err := loadPrivateKey(cfg)
	if err != nil {
		return err
	}
	if cfg.GitHub.AppID == 0 || len(key) == 0 {
		return errors.New("no GitHub App configured: set github.app_id and github.private_key_path (or TOTTO_GITHUB_APP_ID and TOTTO_GITHUB_PRIVATE_KEY_PATH)")
	}
	return checkAppCredentials(cfg, key)
}

// RequiredPermissions are the repository permissions totto needs (README, "Creating the GitHub
// App"); "write" satisfies "read".
var RequiredPermissions = map[string]string{
	"checks": "write", "actions": "read", "statuses": "read", "contents": "read",
	"issues": "write", "pull_requests": "write", "metadata": "read",
}

// RequiredEvents are the webhook events totto acts on (installation events need no subscription).
var RequiredEvents = []string{"check_run", "status", "issue_comment", "commit_comment", "push"}

// GitHubCheck is what GitHub says about the App's credentials.
type GitHubCheck struct {
	App *github.App
	// Missing lists the permissions and events the App itself lacks ("checks: write (has read)").
	Missing       []string
	Installations []InstallationCheck
}

// InstallationCheck is one installation of the App and what it has not granted.
type InstallationCheck struct {
	ID        int64
	Account   string
	Selection string
	Suspended bool
	Missing   []string
}

// CheckGitHub authenticates as the App (a JWT signed with its private key), reads the App (GET
// /app) and lists its installations, naming each permission or event totto needs that is missing.
// An error names the credential to fix.
func CheckGitHub(ctx context.Context, cfg Config) (GitHubCheck, error) {
	if err := CheckAppConfig(cfg); err != nil {
		return GitHubCheck{}, err
	}
	key, err := loadPrivateKey(cfg)
	if err != nil {
		return GitHubCheck{}, err
	}
	cc, err := newClientCreator(cfg, key, metrics.New())
	if err != nil {
		return GitHubCheck{}, err
	}
	gh, err := cc.NewAppClient()
	if err != nil {
		return GitHubCheck{}, fmt.Errorf("GitHub App client: %w", err)
	}
	app, _, err := gh.Apps.Get(ctx, "")
	if err != nil {
		return GitHubCheck{}, authError(cfg, err)
	}
	res := GitHubCheck{App: app, Missing: missingGrants(app.GetPermissions(), app.Events)}
	opts := &github.ListOptions{PerPage: 100}
	for {
		page, resp, err := gh.Apps.ListInstallations(ctx, opts)
		if err != nil {
			return res, fmt.Errorf("listing the App's installations: %w", err)
		}
		for _, in := range page {
			res.Installations = append(res.Installations, InstallationCheck{ID: in.GetID(), Account: in.GetAccount().GetLogin(),
				Selection: in.GetRepositorySelection(), Suspended: in.SuspendedAt != nil,
				Missing: missingGrants(in.GetPermissions(), in.Events)})
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return res, nil
}

// authError explains GitHub refusing the App's JWT.
func authError(cfg Config, err error) error {
	var ge *github.ErrorResponse
	if errors.As(err, &ge) && ge.Response != nil && ge.Response.StatusCode == http.StatusUnauthorized {
		return fmt.Errorf("GitHub refused the App's credentials (401 %q): github.app_id %d and the private key do not belong to one App, or the key was deleted; check the App ID on the App's settings page and generate a new key there",
			ge.Message, cfg.GitHub.AppID)
	}
	if errors.As(err, &ge) && ge.Response != nil && ge.Response.StatusCode == http.StatusNotFound {
		return fmt.Errorf("GitHub has no App for these credentials (404): check github.app_id (%d) and github.api_url", cfg.GitHub.AppID)
	}
	return fmt.Errorf("reading the App from GitHub (GET /app): %w", err)
}

// missingGrants lists what perms and events lack of RequiredPermissions and RequiredEvents.
func missingGrants(perms *github.InstallationPermissions, events []string) []string {
	has := map[string]string{}
	if perms != nil {
		has = permissionMap(perms)
	}
	var out []string
	for name, want := range RequiredPermissions {
		got := has[name]
		if got == "write" || got == want || (want == "read" && got == "admin") {
			continue
		}
		if got == "" {
			got = "none"
		}
		out = append(out, fmt.Sprintf("permission %s: %s (has %s)", name, want, got))
	}
	subscribed := map[string]bool{}
	for _, e := range events {
		subscribed[e] = true
	}
	for _, e := range RequiredEvents {
		if !subscribed[e] {
			out = append(out, "event "+e+": not subscribed")
		}
	}
	sort.Strings(out)
	return out
}

// permissionMap reads the permissions totto needs from go-github's struct.
func permissionMap(p *github.InstallationPermissions) map[string]string {
	return map[string]string{
		"checks": p.GetChecks(), "actions": p.GetActions(), "statuses": p.GetStatuses(), "contents": p.GetContents(),
		"issues": p.GetIssues(), "pull_requests": p.GetPullRequests(), "metadata": p.GetMetadata(),
	}
}
