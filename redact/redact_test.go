package redact

import (
	"strings"
	"testing"
)

func TestBuiltinRules(t *testing.T) {
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
		{"stripe secret key", "STRIPE=sk_live_" + strings.Repeat("4eC39HqLyjWDarjtT1zdp7dc", 1), "STRIPE=sk_live_[REDACTED]"},
		{"stripe restricted key", "using rk_live_51H8abcdefghijKLMNOP", "using rk_live_[REDACTED]"},
		{"stripe test key untouched", "sk_test_abc", "sk_test_abc"},
		{"gitlab token", "git push https://oauth2:glpat-Abcdefghij1234567890@gitlab.com/x", "git push https://oauth2:[REDACTED]@gitlab.com/x"},
		{"gitlab token alone", "GITLAB=glpat-Abcdefghij1234567890_x", "GITLAB=glpat-[REDACTED]"},
		{"google api key", "key AIzaSyD-abcdefghijklmnopqrstuvwxyz01234 in url", "key AIza[REDACTED] in url"},
		{"azure connection string", "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net",
			"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=[REDACTED];EndpointSuffix=core.windows.net"},
		{"azure service bus", "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=abcDEF123456+/=", "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=[REDACTED]"},
		{"slack webhook", "curl -X POST https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX -d x", "curl -X POST https://hooks.slack.com/services/[REDACTED] -d x"},
		{"npm token", "//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789", "//registry.npmjs.org/:_authToken=[REDACTED]"},
		{"npm token alone", "NPM npm_abcdefghijklmnopqrstuvwxyz0123456789 set", "NPM npm_[REDACTED] set"},
		{"jwt", "session eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end",
			"session [REDACTED] end"},
		{"mysql -p password", "mysql -uroot -ps3cretpw -h db -e 'select 1'", "mysql -uroot -p[REDACTED] -h db -e 'select 1'"},
		{"mysqldump -p password", "+ mysqldump --single-transaction -u app -pHunter2! appdb", "+ mysqldump --single-transaction -u app -p[REDACTED] appdb"},
		{"mysql port untouched", "mysql -h db -P 3306 -u root", "mysql -h db -P 3306 -u root"},
		{"ssh -p untouched", "ssh -p2222 host", "ssh -p2222 host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Default.Text(tt.in); got != tt.want {
				t.Errorf("Text(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if got := Default.Text(Default.Text(tt.in)); got != tt.want {
				t.Errorf("not idempotent: %q", got)
			}
		})
	}
}

func BenchmarkRedactLine(b *testing.B) {
	line := "2024-01-01T00:00:00Z   --- FAIL: TestSomethingLong (0.23s) expected 4 got 5 in package example.com/x/y"
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		Default.Text(line)
	}
}

// testKey is the body of a (throwaway) private key as PEM writes it: 64 base64 characters a line.
var testKey = []string{
	"MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
	"VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
	"LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo",
	"9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvre",
	"dZ/b0Z2nx8DtHAuq",
}

// A key is hidden whole however the shown lines cut through it: the block with its header, a
// window starting inside the body, and a window holding only the end of it. The one thing not
// recognisable is the key's short last line shown alone, with neither its body nor its END line.
func TestKeyBodyHiddenWhateverTheWindow(t *testing.T) {
	full := append(append([]string{"step: deploy", "-----BEGIN RSA PRIVATE KEY-----"}, testKey...), "-----END RSA PRIVATE KEY-----", "done")
	for lo := 0; lo < len(full); lo++ {
		for hi := lo + 1; hi <= len(full); hi++ {
			got := Default.Lines(full[lo:hi])
			if len(got) != hi-lo {
				t.Fatalf("window [%d,%d): %d lines back, want %d", lo, hi, len(got), hi-lo)
			}
			joined := strings.Join(got, "\n")
			for i, k := range testKey {
				if hi-lo == 1 && i == len(testKey)-1 {
					continue
				}
				if strings.Contains(joined, k) {
					t.Fatalf("window [%d,%d) shows key material %q:\n%s", lo, hi, k, joined)
				}
			}
		}
	}
	// Lines that only look a little like base64 are left alone.
	for _, l := range []string{
		"4b825dc642cb6eb9a060e54bf8d69288fbee4904",
		"sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"Downloaded github.com/rs/zerolog v1.35.1 h1:abcdefghijklmnopqrstuvwxyzABCDEF0123456=",
		"ThisIsALongIdentifierWithoutDigitsButWithMixedCaseLetters",
	} {
		if got := Default.Text(l); got != l {
			t.Errorf("Text(%q) = %q, want it unchanged", l, got)
		}
	}
}

func TestOperatorRules(t *testing.T) {
	r, err := New([]Rule{
		{Name: "internal hosts", Regex: `\b[a-z0-9-]+\.corp\.example\b`},
		{Name: "vault token", Regex: `(VAULT_TOKEN=)(?P<secret>\S+)`},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := r.Text("connect build-7.corp.example failed\nexport VAULT_TOKEN=hvs.CAESIJ extra\nghp_" + strings.Repeat("a", 36))
	want := "connect [REDACTED] failed\nexport VAULT_TOKEN=[REDACTED] extra\nghp_[REDACTED]"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	for _, bad := range []Rule{{Name: "empty", Regex: ""}, {Name: "syntax", Regex: "("}, {Name: "matches nothing", Regex: "x*"}, {Name: "huge", Regex: "(.*){1000}"}} {
		if _, err := New([]Rule{bad}); err == nil || !strings.Contains(err.Error(), bad.Name) {
			t.Errorf("New(%+v): %v, want an error naming the rule", bad, err)
		}
	}
}
