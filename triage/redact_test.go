package triage

import (
	"strings"
	"testing"
)

func TestRedactSecrets(t *testing.T) {
	ghp := "ghp_" + strings.Repeat("a1B2", 9)
	tests := []struct {
		name, in, want string
	}{
		{"plain line untouched", "FAIL: TestFoo (0.01s)", "FAIL: TestFoo (0.01s)"},
		{"github personal token", "using " + ghp + " now", "using ghp_[REDACTED] now"},
		{"github oauth token", "gho_" + strings.Repeat("x", 36), "gho_[REDACTED]"},
		{"github app token", "Authorization: token ghs_" + strings.Repeat("Z", 36), "Authorization: token ghs_[REDACTED]"},
		{"github fine-grained token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "github_pat_[REDACTED]"},
		{"short ghp is not a token", "ghp_short", "ghp_short"},
		{"aws access key id", "key AKIAIOSFODNN7EXAMPLE used", "key AKIA[REDACTED] used"},
		{"aws temporary key id", "ASIAIOSFODNN7EXAMPLE", "ASIA[REDACTED]"},
		{"aws secret key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = [REDACTED]"},
		{"aws secret key env", "AWS_SECRET_ACCESS_KEY=\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"", "AWS_SECRET_ACCESS_KEY=\"[REDACTED]\""},
		{"slack bot token", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "xoxb-[REDACTED]"},
		{"slack user token", "token xoxp-1234-5678-abcdefgh", "token xoxp-[REDACTED]"},
		{"password pair", "mysql -u root password=hunter22 --host db", "mysql -u root password=[REDACTED] --host db"},
		{"token colon pair", "token: abc123def", "token: [REDACTED]"},
		{"quoted json secret", `{"client_secret": "s3cr3t-value"}`, `{"client_secret": "[REDACTED]"}`},
		{"api key", "API_KEY=0123456789abcdef", "API_KEY=[REDACTED]"},
		{"bearer", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc", "Authorization: Bearer [REDACTED]"},
		{"url credentials", "git clone https://user:p4ss@github.com/o/r", "git clone https://user:[REDACTED]@github.com/o/r"},
		{"word token alone untouched", "unexpected token in JSON at position 4", "unexpected token in JSON at position 4"},
		{"password prompt untouched", "Password:", "Password:"},
		{"pem block keeps line count",
			"before\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabcdef\n-----END RSA PRIVATE KEY-----\nafter",
			"before\n[REDACTED] private key\n[REDACTED]\n[REDACTED]\n[REDACTED]\nafter"},
		{"pem block cut off", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk", "[REDACTED] private key\n[REDACTED]"},
		{"public key untouched", "-----BEGIN PUBLIC KEY-----", "-----BEGIN PUBLIC KEY-----"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RedactSecrets(tt.in); got != tt.want {
				t.Errorf("RedactSecrets(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if got := RedactSecrets(RedactSecrets(tt.in)); got != tt.want {
				t.Errorf("not idempotent: %q", got)
			}
		})
	}
}

func BenchmarkRedactSecrets(b *testing.B) {
	line := "2024-01-01T00:00:00Z   --- FAIL: TestSomethingLong (0.23s) expected 4 got 5 in package example.com/x/y"
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		RedactSecrets(line)
	}
}
