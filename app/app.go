package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/backfill"
	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/handlers"
	"github.com/totto-ci/totto/metrics"
	"github.com/totto-ci/totto/pipeline"
	"github.com/totto-ci/totto/queue"
	"github.com/totto-ci/totto/redact"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	"github.com/totto-ci/totto/web"

	_ "github.com/totto-ci/totto/store/postgres" // postgres:// store URLs
	_ "github.com/totto-ci/totto/store/sqlite"   // sqlite: store URLs (the default)
)

// WebhookPath is where GitHub delivers the App's webhooks (the App's "Webhook URL" is the public
// URL plus this path).
const WebhookPath = "/api/github/hook"

// Options are the choices made on the command line rather than in config.yml.
type Options struct {
	// DevInsecure lets the App run without a webhook secret, accepting unsigned deliveries; for
	// local experiments only, and announced in the log and on /healthz.
	DevInsecure bool
	// Queue tunes the durable queue (tests isolate a Postgres schema or shorten polling); its
	// Workers defaults to cfg.Workers.Count.
	Queue queue.Options
}

// App is a running totto GitHub App: every long-lived part, built once by New, served by Serve
// and released by Close.
type App struct {
	// Store is the database; the handlers record deliveries and installations in it.
	Store store.Store
	// Queue holds the durable work the handlers enqueue and the pipeline works.
	Queue *queue.Queue
	// Blobs holds log contents.
	Blobs blob.Store
	// GitHub creates installation clients (cached per installation, token refreshed by
	// ghinstallation) for the pipeline.
	GitHub githubapp.ClientCreator
	// Metrics are the collectors /metrics serves; the pipeline counts into them.
	Metrics *metrics.Metrics

	devInsecure bool
	logger      zerolog.Logger
	handler     http.Handler
	// schedule is the scheduled backfill Serve runs (nil: backfill.interval is 0).
	schedule *backfill.Schedule
	// metricsLn is server.metrics_listen's listener (nil: /metrics is on the main one).
	metricsLn   net.Listener
	metricsAddr string
	// auth checks GitHub accepts the App's credentials, for /readyz and at start (nil: no App
	// configured).
	auth *authCheck
	// rescans queues the durable rescan of stored logs (pattern saves, start-up).
	rescans *scan.Jobs
}

// New builds the whole App from configuration in one place: store, log store, queue, GitHub
// clients, pipeline workers, scheduled backfill, webhook handlers and HTTP routes. It refuses to build without a
// webhook secret unless opts.DevInsecure. Logging goes to zerolog.Ctx(ctx). Call Serve to run it
// or Close to release it.
func New(ctx context.Context, cfg Config, opts Options) (*App, error) {
	logger := *zerolog.Ctx(ctx)
	if cfg.GitHub.WebhookSecret == "" {
		if !opts.DevInsecure {
			return nil, errors.New("no webhook secret: set github.webhook_secret or TOTTO_GITHUB_WEBHOOK_SECRET " +
				"(or pass --dev-insecure to accept unsigned webhooks on a development machine)")
		}
		logger.Warn().Msg("DEV-INSECURE: no webhook secret, unsigned webhooks are accepted; never expose this server")
	}
	privateKey, err := loadPrivateKey(cfg)
	if err != nil {
		return nil, err
	}
	if err := checkAppCredentials(cfg, privateKey); err != nil {
		return nil, err
	}
	if cfg.GitHub.AppID == 0 || len(privateKey) == 0 {
		logger.Warn().Msg("no GitHub App id or private key: webhooks are accepted but the pipeline cannot call GitHub")
	}

	redactor, err := redact.New(cfg.Redact.Rules)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	a := &App{Metrics: metrics.New(), devInsecure: opts.DevInsecure, logger: logger}
	if a.Store, err = store.Open(ctx, cfg.Database.URL); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if a.Blobs, err = blob.Open(ctx, cfg.LogStorage()); err != nil {
		a.Close()
		return nil, fmt.Errorf("open log storage %q: %w", cfg.LogStorage(), err)
	}
	qopts := opts.Queue
	if qopts.Workers == 0 {
		qopts.Workers = cfg.Workers.Count
	}
	if a.Queue, err = queue.Open(ctx, a.Store.Conn(), qopts); err != nil {
		a.Close()
		return nil, fmt.Errorf("open queue: %w", err)
	}
	a.Metrics.Registry.MustRegister(metrics.NewQueueBacklog(a.queueBacklog))
	if a.GitHub, err = newClientCreator(cfg, privateKey, a.Metrics); err != nil {
		a.Close()
		return nil, err
	}
	if cfg.GitHub.AppID != 0 && len(privateKey) > 0 {
		a.auth = &authCheck{cfg: cfg, gh: a.GitHub}
	}
	if a.rescans, err = scan.Register(a.Queue, a.Store, a.Blobs); err != nil {
		a.Close()
		return nil, fmt.Errorf("register the rescan worker: %w", err)
	}

	if err := pipeline.Register(a.Queue, pipeline.Deps{
		Store:     a.Store,
		Blobs:     a.Blobs,
		GitHub:    a.GitHub,
		AppID:     cfg.GitHub.AppID,
		NoBuiltin: !cfg.Scan.Builtin,
		Metrics:   a.Metrics,
		CircleCI: pipeline.CircleCIConfig{BaseURL: cfg.CircleCI.APIURL, Token: cfg.CircleCI.Token,
			API: &http.Client{Timeout: 30 * time.Second, Transport: retryTransient(http.DefaultTransport)}},
		PublicURL:   cfg.Server.PublicURL,
		LogHosts:    logHosts(cfg),
		MaxLogBytes: cfg.Logs.MaxBytes,
		TriageDelay: pipeline.DefaultTriageDelay,
		Redactor:    redactor,
		Rescans:     a.rescans,
	}); err != nil {
		a.Close()
		return nil, fmt.Errorf("register pipeline workers: %w", err)
	}

	a.schedule = a.newSchedule(cfg)
	retention, err := cfg.RetentionPolicy()
	if err == nil {
		err = a.scheduleRetention(retention)
	}
	if err != nil {
		a.Close()
		return nil, err
	}

	intake := &handlers.Intake{Store: a.Store, Queue: a.Queue, AppID: cfg.GitHub.AppID,
		CircleCI: ciprovider.CircleSite{ServerAPI: cfg.CircleCI.APIURL}}
	dispatcher := githubapp.NewEventDispatcher(eventHandlers(intake), cfg.GitHub.WebhookSecret,
		githubapp.WithErrorCallback(webhookErrorCallback(a.Metrics)),
		githubapp.WithResponseCallback(webhookResponseCallback(a.Metrics)),
	)
	mux := http.NewServeMux()
	mux.Handle("POST "+WebhookPath, timeAck(a.Metrics, requireSignature(cfg.GitHub.WebhookSecret, newBodyBudget(unverifiedBodyBytes), a.Metrics, deliveryContext(dispatcher))))
	mux.HandleFunc("GET /healthz", a.healthz)
	mux.HandleFunc("GET /readyz", a.readyz)
	if cfg.Server.MetricsListen == "" {
		mux.Handle("GET /metrics", metricsHandler(a.Metrics))
	} else if a.metricsLn, err = net.Listen("tcp", cfg.Server.MetricsListen); err != nil {
		a.Close()
		return nil, fmt.Errorf("server.metrics_listen %q: %w", cfg.Server.MetricsListen, err)
	} else {
		a.metricsAddr = a.metricsLn.Addr().String()
	}
	if cfg.GitHub.OAuthClientID == "" && !opts.DevInsecure {
		// Without sign-in the UI cannot tell who may see private repositories or edit patterns,
		// so it stays off; the App itself (webhooks, check runs) runs regardless.
		logger.Warn().Msg("web UI disabled: set github.oauth_client_id and github.oauth_client_secret to enable sign-in")
		mux.Handle("/", accessLog(http.HandlerFunc(uiDisabled)))
	} else {
		sessionKey, err := web.ParseSessionKey(cfg.Server.SessionKey)
		if err != nil {
			a.Close()
			return nil, fmt.Errorf("server.session_key: %w", err)
		}
		if sessionKey == nil {
			logger.Warn().Msg("server.session_key is not set: web UI sessions use a key made for this process, so sign-ins will not survive a restart or be shared across replicas")
		}
		ui, err := web.New(web.Deps{
			Store:     a.Store,
			Blobs:     a.Blobs,
			PublicURL: cfg.Server.PublicURL,
			OAuth: web.OAuthConfig{ClientID: cfg.GitHub.OAuthClientID, ClientSecret: cfg.GitHub.OAuthClientSecret,
				WebURL: cfg.GitHub.WebURL, APIURL: strings.TrimSuffix(cfg.GitHub.APIURL, "/")},
			DevInsecure: cfg.GitHub.OAuthClientID == "",
			SessionKey:  sessionKey,
			Rescans:     a.rescans,
			Redactor:    redactor,
		})
		if err != nil {
			a.Close()
			return nil, fmt.Errorf("web UI: %w", err)
		}
		mux.Handle("/", accessLog(ui))
	}
	a.handler = withRequestLogger(logger, mux)
	return a, nil
}

// eventHandlers are the webhook handlers, one per event (webhookEvents lists their events).
func eventHandlers(intake *handlers.Intake) []githubapp.EventHandler {
	return []githubapp.EventHandler{
		handlers.CheckRun{Intake: intake},
		handlers.Status{Intake: intake},
		handlers.IssueComment{Intake: intake},
		handlers.CommitComment{Intake: intake},
		handlers.Installation{Intake: intake},
		handlers.InstallationRepositories{Intake: intake},
		handlers.Push{Intake: intake},
	}
}

// Handler is the App's HTTP surface (webhook, health, UI, and metrics unless
// server.metrics_listen moves them), for Serve and for tests.
func (a *App) Handler() http.Handler { return a.handler }

// MetricsAddr is the address /metrics is served on by itself (server.metrics_listen), or "" when
// it is on the main listener.
func (a *App) MetricsAddr() string { return a.metricsAddr }

// logHosts are the providers' log hosts plus the operator's own (logs.hosts).
func logHosts(cfg Config) ciprovider.HostList {
	return append(append(ciprovider.HostList{}, ciprovider.DefaultLogHosts...), cfg.Logs.Hosts...)
}

// loadPrivateKey returns the App's PEM private key from the config value or the file it names.
func loadPrivateKey(cfg Config) ([]byte, error) {
	if cfg.GitHub.PrivateKey != "" {
		return []byte(cfg.GitHub.PrivateKey), nil
	}
	if cfg.GitHub.PrivateKeyPath == "" {
		return nil, nil
	}
	key, err := os.ReadFile(cfg.GitHub.PrivateKeyPath)
	if err != nil {
		return nil, fmt.Errorf("read GitHub App private key %s: %w", cfg.GitHub.PrivateKeyPath, err)
	}
	return key, nil
}

// uiDisabled answers UI requests when sign-in is not configured.
func uiDisabled(w http.ResponseWriter, _ *http.Request) {
	http.Error(w, "totto's web UI needs GitHub sign-in: set github.oauth_client_id and github.oauth_client_secret (see README)", http.StatusServiceUnavailable)
}
