package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/redact"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
)

// secretKeyBody is a throwaway private key's body, 64 base64 characters a line as PEM writes it.
var secretKeyBody = []string{
	"MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
	"VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
	"LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo",
	"9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvre",
	"dZ/b0Z2nx8DtHAuq",
}

// leakedTokens are the token shapes of every built-in rule added for the common CI leaks, and one
// only the operator's rule knows.
var leakedTokens = []string{
	"sk_live_4eC39HqLyjWDarjtT1zdp7dc", "rk_live_51H8abcdefghijKLMNOP", "glpat-Abcdefghij1234567890",
	"AIzaSyD-abcdefghijklmnopqrstuvwxyz01234", "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq",
	"T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "npm_abcdefghijklmnopqrstuvwxyz0123456789",
	"eyJzdWIiOiIxMjM0NTY3ODkwIn0", "s3cretMysqlPw", "corp-secret-4242",
}

func leakyLog() string {
	lines := []string{"step: deploy", "writing deploy key", "-----BEGIN RSA PRIVATE KEY-----"}
	lines = append(lines, secretKeyBody...)
	lines = append(lines, "-----END RSA PRIVATE KEY-----",
		"LEAKMARK key written",
		"STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc and rk_live_51H8abcdefghijKLMNOP",
		"git clone https://ci:glpat-Abcdefghij1234567890@gitlab.example/x LEAKMARK",
		"maps AIzaSyD-abcdefghijklmnopqrstuvwxyz01234 LEAKMARK",
		"DefaultEndpointsProtocol=https;AccountName=a;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=x LEAKMARK",
		"curl https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX LEAKMARK",
		"//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789 LEAKMARK",
		"cookie eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U LEAKMARK",
		"+ mysql -uroot -ps3cretMysqlPw -e 'select 1' LEAKMARK",
		"vault says corp-secret-4242 LEAKMARK",
		"exit 1")
	return strings.Join(lines, "\n") + "\n"
}

// Every surface that quotes log text (job page, pattern page contexts, trial samples, commit page,
// JSON API) hides a private key whose lines the shown window cuts through, every built-in token
// shape, and what the operator's rule names.
func TestRedactionSameOnEverySurface(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		ctx := t.Context()
		at := testNow.Add(-time.Hour)
		j, err := st.UpsertJob(ctx, store.Job{Provider: "github-actions", ExternalID: "777", Attempt: 1, RepoID: w.repo.ID,
			SHA: strings.Repeat("d", 40), Branch: "main", Name: "deploy", Conclusion: "failure", StartedAt: &at, CompletedAt: &at})
		if err != nil {
			t.Fatal(err)
		}
		l, err := ingest.StoreLog(ctx, st, w.blobs, strings.NewReader(leakyLog()), 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetJobLog(ctx, j.ID, &l.ID, store.LogStored, ""); err != nil {
			t.Fatal(err)
		}
		changes, err := st.AddPatterns(ctx, []store.Pattern{{Pattern: patterns.Pattern{Name: "leak marker", Kind: patterns.Regex,
			Expr: `LEAKMARK|(eyJ\S+)`, Source: "test"}}}, "seed")
		if err != nil {
			t.Fatal(err)
		}
		pid := changes[0].ID
		if _, err := scan.Rescan(ctx, st, w.blobs, scan.RescanOptions{Workers: 1}); err != nil {
			t.Fatal(err)
		}
		red, err := redact.New([]redact.Rule{{Name: "vault", Regex: `corp-secret-\d+`}})
		if err != nil {
			t.Fatal(err)
		}
		c := newClient(t, w.handler(t, func(d *Deps) { d.Redactor = red }))
		secrets := append(append([]string(nil), secretKeyBody...), leakedTokens...)
		for _, path := range []string{
			fmt.Sprintf("/jobs/%d", j.ID),
			fmt.Sprintf("/patterns/%d", pid),
			"/try?expr=" + url.QueryEscape("LEAKMARK") + "&logs=50",
			"/repos/acme/widgets/commits/" + j.SHA,
			fmt.Sprintf("/api/v1/jobs/%d", j.ID),
			fmt.Sprintf("/api/v1/patterns/%d/matches", pid),
			"/unexplained",
		} {
			r := c.get(path)
			if r.status != http.StatusOK {
				t.Errorf("GET %s: status %d", path, r.status)
				continue
			}
			for _, s := range secrets {
				if i := strings.Index(r.body, s); i >= 0 {
					t.Errorf("GET %s shows %q: …%s…", path, s, r.body[max(0, i-60):min(len(r.body), i+60)])
				}
			}
		}
		mustContain(t, c.get(fmt.Sprintf("/jobs/%d", j.ID)), 200, "[REDACTED] private key", "vault says [REDACTED]")
	})
}
