package ciprovider

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultLogHosts are the hosts the real providers serve log content from. Log URLs come from API
// responses and redirects; fetching only from known hosts keeps a forged URL from making totto
// reach into the operator's network (SSRF). Enterprise installs add their own hosts.
var DefaultLogHosts = []string{
	"*.blob.core.windows.net",                          // GitHub Actions log archives
	"*.actions.githubusercontent.com",                  // GitHub Actions log service
	"circle-production-action-output.s3.amazonaws.com", // CircleCI step output
	"*.circleci.com",
}

// HostList is a set of allowed hosts: "host" allows that host on its scheme's default port,
// "host:port" that port only, and "*.example.com" (or "*.example.com:port") every subdomain.
// The port is part of the rule: "localhost" must not allow every service on the machine.
type HostList []string

// Allows reports whether u's host and port are on the list; only http(s) URLs are ever allowed.
func (h HostList) Allows(u *url.URL) bool {
	if u.Scheme != "https" && u.Scheme != "http" {
		return false
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" {
		port = defaultPort(u.Scheme)
	}
	for _, p := range h {
		ph, pp := splitHostPort(strings.ToLower(strings.TrimSpace(p)))
		if pp == "" {
			pp = defaultPort(u.Scheme)
		}
		if pp != port {
			continue
		}
		if suffix, ok := strings.CutPrefix(ph, "*."); ok {
			if strings.HasSuffix(host, "."+suffix) {
				return true
			}
			continue
		}
		if host == ph {
			return true
		}
	}
	return false
}

func defaultPort(scheme string) string {
	if scheme == "http" {
		return "80"
	}
	return "443"
}

// splitHostPort splits "host:port" (or "[v6]:port"); a bare host has port "".
func splitHostPort(s string) (string, string) {
	if h, p, err := net.SplitHostPort(s); err == nil {
		return h, p
	}
	return strings.Trim(s, "[]"), ""
}

// ErrHostNotAllowed is returned when a log URL or redirect points outside the allowed hosts; it
// names the settings that allow one, since an Enterprise or Server install meets it first.
var ErrHostNotAllowed = errors.New("log host not allowed (allow it with --log-hosts for totto backfill, or logs.hosts / TOTTO_LOGS_HOSTS for the App)")

// ErrCrossHostRedirect is returned when an API answers with a redirect to another host (or port):
// the request carries a credential, and the redirect will not go away on a retry.
var ErrCrossHostRedirect = errors.New("API redirected to another host")

// sameHostOnly returns a copy of c that follows redirects only within the first request's scheme,
// host and port: net/http would carry custom credential headers (Circle-Token) along to any host.
func sameHostOnly(c *http.Client) *http.Client {
	cp := *c
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		if first := via[0].URL; req.URL.Scheme != first.Scheme || !strings.EqualFold(req.URL.Host, first.Host) {
			return fmt.Errorf("redirect from %s to %s: %w", first.Host, req.URL.Host, ErrCrossHostRedirect)
		}
		return nil
	}
	return &cp
}

// LogHTTPClient returns a client for downloading log content: no credentials of ours, every URL
// and redirect checked against hosts, and a timeout so a stalled download cannot hold a worker.
func LogHTTPClient(hosts HostList, timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 30 * time.Second,
			MaxIdleConnsPerHost:   4,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("too many redirects")
			}
			if !hosts.Allows(req.URL) {
				return fmt.Errorf("redirect to %s: %w", req.URL.Host, ErrHostNotAllowed)
			}
			return nil
		},
	}
}
