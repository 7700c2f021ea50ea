package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

func init() {
	register(&command{name: "healthcheck", summary: "ask the local totto server whether it is healthy (for HEALTHCHECK and probes)", run: runHealthcheck})
}

const healthcheckHelp = `usage: totto healthcheck [--config FILE] [--ready] [--url URL] [--timeout 3s]

Asks a running 'totto serve' for /healthz (the process answers and reaches its database) or, with
--ready, /readyz (also: GitHub accepts the App's credentials). The server is found from the same
configuration serve reads (server.listen; an address without a host, or a wildcard one, is asked
on loopback), so a container's HEALTHCHECK needs no curl and no address of its own. --url asks
another server.

Exit codes: 0 healthy; 1 unhealthy or unreachable (the reason on standard error); 2 usage error.
` + configFlagsHelp + `
flags:
`

func runHealthcheck(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	cf := addConfigFlags(fs)
	ready := fs.Bool("ready", false, "ask /readyz instead of /healthz")
	base := fs.String("url", "", "server `URL` (default: from server.listen)")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	rest, done, err := parseSubcommandFlags(env, fs, healthcheckHelp, args)
	if done {
		return err
	}
	if len(rest) > 0 {
		return withCode(exitUsage, fmt.Errorf("unexpected arguments %q", rest))
	}
	if *base == "" {
		cfg, err := cf.load(env)
		if err != nil {
			return err
		}
		if *base, err = localURL(cfg.Server.Listen); err != nil {
			return withCode(exitUsage, err)
		}
	}
	path := "/healthz"
	if *ready {
		path = "/readyz"
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(*base, "/")+path, nil)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("--url %q: %w", *base, err))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return withCode(exitFindings, fmt.Errorf("unreachable: %w", err))
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
	if res.StatusCode != http.StatusOK {
		return withCode(exitFindings, fmt.Errorf("%s answered %s: %s", req.URL, res.Status, strings.TrimSpace(string(body))))
	}
	fmt.Fprintf(env.stdout, "%s", body)
	return nil
}

// localURL turns serve's listen address into a URL this machine can reach it at: a missing or
// wildcard host is loopback.
func localURL(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("server.listen %q: %w", listen, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port), nil
}
