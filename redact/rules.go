package redact

import "regexp"

// builtin are the credentials CI logs leak most often. In each expression, group 1 (and group 2,
// when present) is context kept around the secret (the key name, the token prefix) so a reader
// still sees what was there; whatever else it matched is the secret. hints are lower-case
// substrings one of which must be in the text for the expression to be tried: most log lines hold
// no secret, and the substring test is far cheaper than the expression.
var builtin = []rule{
	// GitHub tokens: personal, OAuth, user-to-server, server-to-server, refresh, fine-grained.
	{name: "GitHub token", re: regexp.MustCompile(`\b(gh[pousr]_)[A-Za-z0-9]{20,255}\b`), hints: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}},
	{name: "GitHub fine-grained token", re: regexp.MustCompile(`\b(github_pat_)[A-Za-z0-9_]{20,255}\b`), hints: []string{"github_pat_"}},
	// GitLab personal, project and group access tokens.
	{name: "GitLab token", re: regexp.MustCompile(`\b(glpat-)[A-Za-z0-9_-]{20,}`), hints: []string{"glpat-"}},
	// AWS access key ids (long-term and temporary).
	{name: "AWS access key id", re: regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{16}\b`), hints: []string{"akia", "asia"}},
	// AWS secret access keys after their usual names.
	{name: "AWS secret key", re: regexp.MustCompile(`(?i)(aws_?secret_?access_?key["']?\s*[=:]\s*["']?)[A-Za-z0-9/+=]{16,}`), hints: []string{"secret"}},
	// Google API keys.
	{name: "Google API key", re: regexp.MustCompile(`\b(AIza)[0-9A-Za-z_-]{35}`), hints: []string{"aiza"}},
	// Azure storage and service-bus connection strings.
	{name: "Azure account key", re: regexp.MustCompile(`(?i)(\b(?:AccountKey|SharedAccessKey)\s*=\s*)[^;\s"']{8,}`), hints: []string{"accountkey", "sharedaccesskey"}},
	// Stripe live secret and restricted keys.
	{name: "Stripe key", re: regexp.MustCompile(`\b((?:sk|rk)_live_)[A-Za-z0-9]{10,}`), hints: []string{"_live_"}},
	// npm access tokens.
	{name: "npm token", re: regexp.MustCompile(`\b(npm_)[A-Za-z0-9]{36}\b`), hints: []string{"npm_"}},
	// Slack tokens and incoming-webhook URLs (the URL is the credential).
	{name: "Slack token", re: regexp.MustCompile(`\b(xox[abprs]-)[A-Za-z0-9-]{8,}`), hints: []string{"xox"}},
	{name: "Slack webhook", re: regexp.MustCompile(`(?i)(https://hooks\.slack\.com/(?:services|workflows|triggers)/)[A-Za-z0-9/_-]+`), hints: []string{"hooks.slack.com"}},
	// JSON Web Tokens: three base64url parts, the first two JSON objects ("eyJ" is `{"`).
	{name: "JWT", re: regexp.MustCompile(`\b()eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`), hints: []string{"eyj"}},
	// Bearer tokens in Authorization headers.
	{name: "bearer token", re: regexp.MustCompile(`(?i)(\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}`), hints: []string{"bearer"}},
	// Credentials in URLs: scheme://user:password@host.
	{name: "URL password", re: regexp.MustCompile(`(?i)([a-z][a-z0-9+.-]*://[^\s:/@]+:)[^\s@/]+(@)`), hints: []string{"://"}},
	// A password glued to -p on a MySQL-style command line (mysql -uroot -psecret).
	{name: "mysql -p password", re: regexp.MustCompile(`((?i:\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mariadb)\b)[^\n]*?\s-p)[^\s'"]+`), hints: []string{"mysql", "mariadb"}},
	// key=value and key: value pairs whose key names a secret.
	{name: "secret assignment", re: regexp.MustCompile(`(?i)((?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)["']?\s*[=:]\s*["']?)[^\s"',;&]{3,}`),
		hints: []string{"pass", "secret", "token", "key", "credential"}},
}

// pemBlock matches a PEM private key, possibly cut off by the end of the text.
var pemBlock = regexp.MustCompile(`(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)`)
