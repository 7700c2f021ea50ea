// Package web is totto's browser UI and JSON API: pattern frequencies, matches in context, trying
// a pattern on stored history before saving it, unexplained failures grouped by their likely
// cause, and main-branch health. Pages are rendered on the server from embedded templates, so the
// binary needs no asset pipeline and every page has a stable, linkable URL.
package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/totto-ci/totto/redact"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
)

// Deps is what the UI needs from the running service; app wires it once at start-up.
type Deps struct {
	// Store holds jobs, patterns, matches, annotations and sessions; the UI reads it through
	// typed methods only (store.Insights, store.Screens) and holds no SQL.
	Store store.Store
	// Blobs holds log content, read for context lines, the job page and trying patterns.
	Blobs blob.Store
	// PublicURL is where users reach the UI (e.g. https://totto.example.com); an https URL makes
	// session cookies Secure.
	PublicURL string
	// OAuth signs users in with GitHub. Without a client id the UI runs in DevInsecure mode.
	OAuth OAuthConfig
	// DevInsecure lets anyone edit without signing in (local use only); every page says so.
	DevInsecure bool
	// HTTPClient talks to GitHub (OAuth token exchange, permission checks); nil: a client with a
	// 10 s timeout.
	HTTPClient *http.Client
	// Now is the clock (tests pin it); nil: time.Now.
	Now func() time.Time
	// TryLogs is how many recent stored logs /try scans (default 200).
	TryLogs int
	// TryBudget bounds the time one trial scans for (default 10 s); TryPerUser is how many
	// trials one user may run at once (default 1) and TryTotal how many run at once in all
	// (default: the number of CPUs).
	TryBudget  time.Duration
	TryPerUser int
	TryTotal   int
	// SessionKey (32 bytes, see ParseSessionKey) seals the GitHub tokens of stored sessions and
	// signs CSRF tokens. Every replica must share it for a sign-in to work on all of them and
	// across restarts; nil: a key made for this process alone.
	SessionKey []byte
	// Redactor hides secrets in every log line the UI and the API show (nil: the built-in
	// rules); the App passes the one its check runs use, with the operator's rules.
	Redactor *redact.Redactor
	// Rescans queues the durable rescan of stored logs after a pattern is saved (the App passes
	// scan.Jobs); required.
	Rescans RescanQueue
}

// RescanQueue queues the rescan of stored logs for patterns they have not been scanned with.
type RescanQueue interface {
	QueueRescan(ctx context.Context) error
}

// OAuthConfig is the GitHub App's OAuth client (the App's client id and secret).
type OAuthConfig struct {
	ClientID     string
	ClientSecret string
	// WebURL is GitHub's web root for the authorize and token endpoints (default
	// https://github.com; a GHES host for enterprise).
	WebURL string
	// APIURL is the REST API root used for the user and permission checks (default
	// https://api.github.com).
	APIURL string
}

// uiStore is what the UI's handlers read and write. The store's scan (after a save) takes the
// whole contract from Deps.Store; everything else goes through this.
type uiStore interface {
	Repository(ctx context.Context, fullName string) (store.Repository, error)
	Job(ctx context.Context, id int64) (store.Job, error)
	CommitJobs(ctx context.Context, repoID int64, sha string) ([]store.Job, error)
	Log(ctx context.Context, id int64) (store.Log, error)
	Matches(ctx context.Context, f store.MatchFilter) ([]store.Match, error)
	Pattern(ctx context.Context, id int64) (store.Pattern, error)
	Patterns(ctx context.Context, f store.PatternFilter) ([]store.Pattern, error)
	AddPatterns(ctx context.Context, ps []store.Pattern, actor string) ([]store.PatternChange, error)
	RetirePattern(ctx context.Context, id int64, actor string) error
	RetirePatternWithReason(ctx context.Context, id int64, actor, reason string) error
	AuditTrail(ctx context.Context, subject string, limit int) ([]store.AuditEvent, error)
	ScanBacklog(ctx context.Context) (store.ScanBacklog, error)
	OpenAnnotation(ctx context.Context, a store.Annotation) (store.Annotation, error)
	CloseAnnotation(ctx context.Context, repoID int64, jobGlob, toSHA, actor string) (int, error)
	Annotations(ctx context.Context, repoID int64, openOnly bool) ([]store.Annotation, error)
	store.Insights
	store.Screens
	store.PrecisionQuerier
	store.SessionStore
	store.TestHistory
	store.JobHistory   // the likely cause judged against the job's passing history, as the check run does
	store.CommitLookup // short SHAs typed in annotation forms
	BranchCommits(ctx context.Context, repoID int64, branch string, limit int) ([]store.BranchCommit, error)
	store.CauseLineCache
	store.FailureHistories
	store.VerdictKeeper
}

var _ uiStore = store.Store(nil)

type server struct {
	deps     Deps
	st       uiStore
	pages    *pages
	sessions *sessions
	perms    *permCache
	secure   bool
	trials   *trialGate
	redactor *redact.Redactor
	// refreshing renews each session's GitHub token once at a time.
	refreshing singleflight.Group
}

// New returns the UI and API handler, to be mounted at "/" of the public server.
func New(deps Deps) (http.Handler, error) {
	if deps.Store == nil {
		return nil, fmt.Errorf("web: no store")
	}
	if deps.Blobs == nil {
		return nil, fmt.Errorf("web: no blob store for log content")
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.HTTPClient == nil {
		deps.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if deps.TryLogs <= 0 {
		deps.TryLogs = 200
	}
	if deps.TryBudget <= 0 {
		deps.TryBudget = 10 * time.Second
	}
	if deps.TryPerUser <= 0 {
		deps.TryPerUser = 1
	}
	if deps.TryTotal <= 0 {
		deps.TryTotal = runtime.NumCPU()
	}
	if deps.Rescans == nil {
		return nil, fmt.Errorf("web: no rescan queue for saved patterns")
	}
	deps.OAuth.WebURL = strings.TrimRight(cmpStr(deps.OAuth.WebURL, "https://github.com"), "/")
	deps.OAuth.APIURL = strings.TrimRight(cmpStr(deps.OAuth.APIURL, "https://api.github.com"), "/")
	if deps.OAuth.ClientID == "" && !deps.DevInsecure {
		return nil, fmt.Errorf("web: no OAuth client id configured; set one or run in DevInsecure mode")
	}
	if deps.Redactor == nil {
		deps.Redactor = redact.Default
	}
	pg, err := loadPages(template.FuncMap{"redact": deps.Redactor.Text})
	if err != nil {
		return nil, err
	}
	crypto, err := newSessionCrypto(deps.SessionKey)
	if err != nil {
		return nil, err
	}
	// Sessions live in the database, so they survive restarts and are shared by replicas.
	s := &server{deps: deps, st: deps.Store, pages: pg, sessions: newSessions(deps.Store, crypto, deps.Now), perms: newPermCache(deps.Now),
		trials: newTrialGate(deps.TryPerUser, deps.TryTotal), redactor: deps.Redactor}
	if u, err := url.Parse(deps.PublicURL); err == nil && u.Scheme == "https" {
		s.secure = true
	}
	return s.routes(), nil
}

func cmpStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.FileServerFS(staticFS))
	mux.HandleFunc("GET /{$}", s.repositoriesPage)
	mux.HandleFunc("GET /patterns", s.patternsPage)
	mux.HandleFunc("POST /patterns", s.savePattern)
	mux.HandleFunc("GET /patterns/{id}", s.patternPage)
	mux.HandleFunc("POST /patterns/{id}/retire", s.retirePattern)
	mux.HandleFunc("POST /patterns/{id}/restore", s.restorePattern)
	mux.HandleFunc("GET /jobs/{id}", s.jobPage)
	mux.HandleFunc("GET /jobs/{id}/pattern", s.patternFromLine)
	mux.HandleFunc("GET /failures/{key}", s.failurePage)
	mux.HandleFunc("GET /repos/{owner}/{repo}/commits/{sha}", s.commitPage)
	mux.HandleFunc("GET /repos/{owner}/{repo}/health", s.healthPage)
	mux.HandleFunc("GET /repos/{owner}/{repo}/tests", s.testsPage)
	mux.HandleFunc("POST /repos/{owner}/{repo}/annotations", s.openAnnotation)
	mux.HandleFunc("POST /repos/{owner}/{repo}/annotations/close", s.closeAnnotation)
	mux.HandleFunc("GET /unexplained", s.unexplainedPage)
	mux.HandleFunc("GET /try", s.tryPage)
	mux.HandleFunc("POST /try", s.tryPage)
	mux.HandleFunc("GET /login", s.login)
	mux.HandleFunc("GET /oauth/callback", s.oauthCallback)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /api/v1/patterns", s.apiPatterns)
	mux.HandleFunc("GET /api/v1/patterns/{id}/matches", s.apiPatternMatches)
	mux.HandleFunc("GET /api/v1/jobs/{id}", s.apiJob)
	mux.HandleFunc("GET /", s.unknownPage)
	return s.withSession(securityHeaders(mux))
}

// securityHeaders keeps pages from being framed or sniffed and scripts to our own origin.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self' "+formTargets)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// formTargets is empty: forms only post to this origin (the login redirect is a GET link).
const formTargets = ""

// ctxKey keys request-scoped values.
type ctxKey int

const sessionKey ctxKey = 0

func sessionOf(ctx context.Context) *session {
	s, _ := ctx.Value(sessionKey).(*session)
	return s
}
