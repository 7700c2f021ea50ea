package triage

import (
	"regexp"
	"strings"
)

// Redacted replaces a secret in a quoted log line.
const Redacted = "[REDACTED]"

// secretRules are the credentials CI logs leak most often. In each expression, group 1 (and group
// 2, when present) is context kept around the secret (the key name, the token prefix) so a reader
// still sees what was there; whatever else it matched is the secret. hints are lower-case
// substrings one of which must be in the text for the expression to be tried: most log lines hold
// no secret, and the substring test is far cheaper than the expression.
var secretRules = []struct {
	re    *regexp.Regexp
	hints []string
}{
	// GitHub tokens: personal, OAuth, user-to-server, server-to-server, refresh, fine-grained.
	{regexp.MustCompile(`\b(gh[pousr]_)[A-Za-z0-9]{20,255}\b`), []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}},
	{regexp.MustCompile(`\b(github_pat_)[A-Za-z0-9_]{20,255}\b`), []string{"github_pat_"}},
	// AWS access key ids (long-term and temporary).
	{regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{16}\b`), []string{"akia", "asia"}},
	// AWS secret access keys after their usual names.
	{regexp.MustCompile(`(?i)(aws_?secret_?access_?key["']?\s*[=:]\s*["']?)[A-Za-z0-9/+=]{16,}`), []string{"secret"}},
	// Slack tokens.
	{regexp.MustCompile(`\b(xox[abprs]-)[A-Za-z0-9-]{8,}`), []string{"xox"}},
	// Bearer tokens in Authorization headers.
	{regexp.MustCompile(`(?i)(\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}`), []string{"bearer"}},
	// Credentials in URLs: scheme://user:password@host.
	{regexp.MustCompile(`(?i)([a-z][a-z0-9+.-]*://[^\s:/@]+:)[^\s@/]+(@)`), []string{"://"}},
	// key=value and key: value pairs whose key names a secret.
	{regexp.MustCompile(`(?i)((?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)["']?\s*[=:]\s*["']?)[^\s"',;&]{3,}`),
		[]string{"pass", "secret", "token", "key", "credential"}},
}

// pemBlock matches a PEM private key, possibly cut off by the end of the text.
var pemBlock = regexp.MustCompile(`(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)`)

// RedactSecrets is the default redaction of log text quoted in a check run: a check run is visible
// to everyone who can see the repository, often more people than can read the CI logs. It works on
// one line or on several joined by "\n" (a PEM private key spans lines: pass the context block
// whole) and keeps the number of lines, so line numbers stay right.
func RedactSecrets(s string) string {
	lower := strings.ToLower(s)
	if strings.Contains(s, "PRIVATE KEY-----") {
		s = pemBlock.ReplaceAllStringFunc(s, func(block string) string {
			n := strings.Count(block, "\n")
			return Redacted + " private key" + strings.Repeat("\n"+Redacted, n)
		})
	}
	for _, r := range secretRules {
		if containsAny(lower, r.hints) {
			s = r.re.ReplaceAllString(s, "${1}"+Redacted+"${2}")
		}
	}
	return s
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
