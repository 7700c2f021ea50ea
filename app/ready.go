package app

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
)

// Readiness re-checks GitHub at most this often after a success, and after a failure; probes in
// between (every few seconds from a load balancer) reuse the answer, so /readyz never spends the
// App's rate limit.
const (
	authRecheckOK     = 5 * time.Minute
	authRecheckFailed = 30 * time.Second
)

// authCheck remembers whether GitHub accepted the App's credentials (GET /app with its JWT).
type authCheck struct {
	cfg Config
	gh  githubapp.ClientCreator

	mu       sync.Mutex
	checked  time.Time
	err      error
	inFlight bool
}

// status returns the last answer without waiting ("" when GitHub accepted the credentials,
// "checking" before the first answer) and starts asking GitHub again in the background when it
// is stale, so a probe with a one-second timeout is never held up by GitHub.
func (c *authCheck) status(ctx context.Context) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	wait := authRecheckOK
	if c.err != nil {
		wait = authRecheckFailed
	}
	if !c.inFlight && (c.checked.IsZero() || time.Since(c.checked) >= wait) {
		c.inFlight = true
		go c.refresh(context.WithoutCancel(ctx))
	}
	switch {
	case c.checked.IsZero():
		return "checking the App's credentials with GitHub"
	case c.err != nil:
		return c.err.Error()
	}
	return ""
}

// refresh asks GitHub now and records the answer.
func (c *authCheck) refresh(ctx context.Context) error {
	err := c.ask(ctx)
	c.mu.Lock()
	c.err, c.checked, c.inFlight = err, time.Now(), false
	c.mu.Unlock()
	return err
}

func (c *authCheck) ask(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	gh, err := c.gh.NewAppClient()
	if err != nil {
		return err
	}
	if _, _, err := gh.Apps.Get(ctx, ""); err != nil {
		return authError(c.cfg, err)
	}
	return nil
}

// readiness is the /readyz body.
type readiness struct {
	Status   string `json:"status"`   // ok | unavailable
	Database string `json:"database"` // ok, or the error reaching it
	GitHub   string `json:"github"`   // ok, not configured, or why GitHub refused the credentials
}

// readyz answers 200 when the database answers and GitHub accepts the App's credentials (or no
// App is configured: webhooks only), 503 naming what is wrong otherwise. Unlike /healthz (is the
// process alive?) it says whether the App can do its work, for a load balancer or Kubernetes.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	rd := readiness{Status: "ok", Database: "ok", GitHub: "not configured"}
	code := http.StatusOK
	if _, err := a.Store.MigrationStatus(ctx); err != nil {
		rd.Status, rd.Database, code = "unavailable", err.Error(), http.StatusServiceUnavailable
	}
	if a.auth != nil {
		rd.GitHub = "ok"
		if msg := a.auth.status(r.Context()); msg != "" {
			rd.Status, rd.GitHub, code = "unavailable", msg, http.StatusServiceUnavailable
		}
	}
	if code != http.StatusOK {
		zerolog.Ctx(r.Context()).Warn().Str("database", rd.Database).Str("github", rd.GitHub).Msg("not ready")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(rd)
}
