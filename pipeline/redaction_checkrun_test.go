package pipeline_test

import (
	"strings"
	"testing"

	"github.com/totto-ci/totto/internal/fakegithub"
	"github.com/totto-ci/totto/pipeline"
	"github.com/totto-ci/totto/redact"
)

// keyBody is a throwaway private key's body as PEM writes it.
var keyBody = []string{
	"MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
	"VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
	"LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo",
	"9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvre",
	"dZ/b0Z2nx8DtHAuq",
}

// The check run quotes the lines around a match with the same redactor as the UI: a private key
// whose BEGIN line lies outside the quoted window is still hidden, and so are the operator's
// rule's matches and the newer token shapes.
func TestCheckRunRedactsLikeEverySurface(t *testing.T) {
	e := newEnv(t, backends[0])
	red, err := redact.New([]redact.Rule{{Name: "vault", Regex: `corp-secret-\d+`}})
	if err != nil {
		t.Fatal(err)
	}
	e.deps.Redactor = red
	e.app.SetFile(owner, repo, pipeline.ConfigPath, []byte("patterns:\n  - name: deploy failed\n    literal: DEPLOYFAIL\n"))
	lines := append([]string{"step one", "-----BEGIN RSA PRIVATE KEY-----"}, keyBody...)
	lines = append(lines, "-----END RSA PRIVATE KEY-----", "DEPLOYFAIL corp-secret-4242 sk_live_4eC39HqLyjWDarjtT1zdp7dc", "exit 1")
	e.gh.AddJob(fakegithub.Job{ID: 302, RunID: 900, Owner: owner, Repo: repo, Name: "deploy", HeadSHA: sha, HeadBranch: "feature",
		Conclusion: "failure", Log: []byte(strings.Join(lines, "\n") + "\n"), Steps: []fakegithub.Step{{Name: "Deploy", Number: 1, Conclusion: "failure"}}})
	e.start()
	e.enqueue(pipeline.ProcessJobArgs{InstallationID: installation, Repo: full, SHA: sha, Branch: "feature",
		Provider: "github-actions", JobID: 302, JobName: "deploy", Conclusion: "failure"})
	e.drain()
	cr := e.checkRun()
	out := cr.Output.Summary + cr.Output.Text
	if !strings.Contains(out, "DEPLOYFAIL") {
		t.Fatalf("the check run does not quote the matched line:\n%s", out)
	}
	for _, s := range append(append([]string(nil), keyBody...), "corp-secret-4242", "4eC39HqLyjWDarjtT1zdp7dc") {
		if strings.Contains(out, s) {
			t.Errorf("the check run shows %q:\n%s", s, out)
		}
	}
}
