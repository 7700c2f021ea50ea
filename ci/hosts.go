package ci

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

// HostList is a set of allowed host names; "*.example.com" allows every subdomain.
type HostList []string

// Allows reports whether u's host is on the list; only http(s) URLs are ever allowed.
func (h HostList) Allows(u *url.URL) bool {
	if u.Scheme != "https" && u.Scheme != "http" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, p := range h {
		p = strings.ToLower(p)
		if suffix, ok := strings.CutPrefix(p, "*."); ok {
			if strings.HasSuffix(host, "."+suffix) {
				return true
			}
			continue
		}
		if host == p {
			return true
		}
	}
	return false
}

// ErrHostNotAllowed is returned when a log URL or redirect points outside the allowed hosts; it
// names the settings that allow one, since an Enterprise or Server install meets it first.
var ErrHostNotAllowed = errors.New("log host not allowed (allow it with --log-hosts for totto backfill, or logs.hosts / TOTTO_LOGS_HOSTS for the App)")

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
