package pipeline_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/totto-ci/totto/internal/fakegithub"
	"github.com/totto-ci/totto/pipeline"
)

// hostileConfig is a .github/totto.yml whose pattern name and description carry HTML, markdown
// links, mentions and issue references.
const hostileConfig = `patterns:
  - name: "<img src=x onerror=alert(1)> [click](javascript:alert(1)) @octocat #123"
    literal: "HOSTILE"
    tags: [known-problem]
    description: "<script>alert(2)</script> cc @org/team, fixes #9"
`

// hostileJobLog quotes secrets next to the matched text, so the check run's excerpt shows them.
const hostileJobLog = "step one\n" +
	"error: <img src=x onerror=alert(3)> HOSTILE for @octocat in #123\n" +
	"token ghp_abcdefghijklmnopqrstuvwxyz0123456789 HOSTILE\n" +
	"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY HOSTILE\n" +
	"exit 1\n"

// The check run totto posts for a job whose name, log and matching pattern are hostile shows
// them inert (no raw HTML, no javascript: link, no live mention) and with secrets redacted.
func TestCheckRunRendersHostileTextInertAndRedacted(t *testing.T) {
	e := newEnv(t, backends[0])
	e.app.SetFile(owner, repo, pipeline.ConfigPath, []byte(hostileConfig))
	name := `build <img src=x onerror=alert(4)> @octocat`
	e.gh.AddJob(fakegithub.Job{ID: 301, RunID: 900, Owner: owner, Repo: repo, Name: name, HeadSHA: sha, HeadBranch: "feature",
		Conclusion: "failure", Log: []byte(hostileJobLog), Steps: []fakegithub.Step{{Name: "Build", Number: 1, Conclusion: "failure"}}})
	e.start()
	e.enqueue(pipeline.ProcessJobArgs{InstallationID: installation, Repo: full, SHA: sha, Branch: "feature",
		Provider: "github-actions", JobID: 301, JobName: name, Conclusion: "failure"})
	e.drain()
	cr := e.checkRun()
	out := cr.Output.Title + "\n" + cr.Output.Summary + "\n" + cr.Output.Text
	if !strings.Contains(out, "HOSTILE") {
		t.Fatalf("the check run does not quote the matched line:\n%s", out)
	}
	for _, secret := range []string{"ghp_abcdefghijklmnopqrstuvwxyz0123456789", "wJalrXUtnFEMI"} {
		if strings.Contains(out, secret) {
			t.Errorf("secret %q in the check run:\n%s", secret, out)
		}
	}
	// Outside code spans and blocks nothing is live: no raw tag, no non-http link, no mention.
	// Backslash-escaped characters render literally, so they are dropped before looking.
	prose := regexp.MustCompile("(?s)```.*?```|`[^`\n]*`").ReplaceAllString(out, "")
	prose = regexp.MustCompile(`\\[[:punct:]]`).ReplaceAllString(prose, "")
	for _, tag := range []string{"<details>", "</details>", "<summary>", "</summary>", "<b>", "</b>", "<br>"} {
		prose = strings.ReplaceAll(prose, tag, "")
	}
	for _, bad := range []string{"<img", "<script", "](javascript:"} {
		if strings.Contains(prose, bad) {
			t.Errorf("%q outside code in the check run:\n%s", bad, out)
		}
	}
	if m := regexp.MustCompile(`(^|[^\w])@[A-Za-z0-9]`).FindString(prose); m != "" {
		t.Errorf("live mention %q in the check run:\n%s", m, out)
	}
	if m := regexp.MustCompile(`(^|[\s(])#[0-9]+\b`).FindString(prose); m != "" {
		t.Errorf("live issue reference %q in the check run:\n%s", m, out)
	}
}
