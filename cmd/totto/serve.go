package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/app"
)

func init() {
	register(&command{name: "serve", summary: "run the GitHub App: webhooks, workers, health and metrics", run: runServe})
}

const serveHelp = `usage: totto serve [--config FILE] [--listen ADDR] [--database URL] [--logs DIR|URL] [--dev-insecure] [--demo]

Runs the GitHub App: receives webhooks on /api/github/hook, works the durable queue (log
downloads, scans, check runs), and serves /healthz, /readyz and /metrics. Logs are JSON lines on
standard error at TOTTO_LOG_LEVEL (default info). Stops gracefully on SIGTERM or Ctrl-C.

Refuses to start without a webhook secret (github.webhook_secret, TOTTO_GITHUB_WEBHOOK_SECRET)
unless --dev-insecure, which accepts unsigned webhooks and must never face the internet.

--demo stores a small sample history of example/widgets (flaky infrastructure failures the
built-in packs recognise, and real failures they must not excuse) before serving, so the web UI has
something to show on a fresh machine; it implies --dev-insecure, and it listens on 127.0.0.1 only
unless --listen says otherwise.
` + configFlagsHelp + `
flags:
`

func runServe(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	cf := addConfigFlags(fs).addStoreLocation()
	listen := fs.String("listen", "", "listen `ADDR` (overrides server.listen)")
	devInsecure := fs.Bool("dev-insecure", false, "run without a webhook secret, accepting unsigned webhooks (development only)")
	demo := fs.Bool("demo", false, "store a small sample history (example/widgets) and serve it on 127.0.0.1; implies --dev-insecure")
	fs.Usage = func() { fmt.Fprint(env.stderr, serveHelp); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return withCode(exitUsage, err)
	}
	if fs.NArg() > 0 {
		return withCode(exitUsage, fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	cfg, warnings, err := cf.resolve(env)
	if err != nil {
		return err
	}
	switch {
	case *listen != "":
		cfg.Server.Listen = *listen
	case *demo:
		// The demo lets anyone edit: never on every interface unless asked for.
		_, port, err := net.SplitHostPort(cfg.Server.Listen)
		if err != nil {
			return withCode(exitUsage, fmt.Errorf("server.listen %q: %w", cfg.Server.Listen, err))
		}
		cfg.Server.Listen = net.JoinHostPort("127.0.0.1", port)
	}

	level := zerolog.InfoLevel
	if v := env.getenv("TOTTO_LOG_LEVEL"); v != "" {
		if level, err = zerolog.ParseLevel(v); err != nil {
			return withCode(exitUsage, fmt.Errorf("TOTTO_LOG_LEVEL=%q: want debug, info, warn or error", v))
		}
	}
	logger := zerolog.New(env.stderr).Level(level).With().Timestamp().Str("service", "totto").Logger()
	ctx = logger.WithContext(ctx)
	for _, w := range warnings {
		logger.Warn().Msg(w)
	}
	// Without a configured public URL the UI is where this server listens, not the default's port.
	derived := cfg.Server.PublicURL == app.DefaultConfig().Server.PublicURL
	if derived {
		if cfg.Server.PublicURL, err = localURL(cfg.Server.Listen); err != nil {
			return withCode(exitUsage, err)
		}
	}
	a, err := app.New(ctx, cfg, app.Options{DevInsecure: *devInsecure || *demo})
	if err != nil {
		return err
	}
	if *demo {
		if err := seedDemo(ctx, a.Store, a.Blobs); err != nil {
			a.Close()
			return fmt.Errorf("demo: %w", err)
		}
	}
	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		a.Close()
		return fmt.Errorf("listen on %s: %w", cfg.Server.Listen, err)
	}
	if *demo {
		ui := cfg.Server.PublicURL
		if derived { // the port the system picked for ":0"
			ui, _ = localURL(ln.Addr().String())
		}
		logger.Warn().Str("ui", ui).Msg("DEMO: sample history of " + demoRepo + " stored; open the web UI (anyone can edit in this mode)")
	}
	return a.Serve(ctx, ln)
}
