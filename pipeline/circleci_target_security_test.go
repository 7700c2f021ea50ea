package pipeline_test

import (
	"strings"
	"testing"

	"github.com/totto-ci/totto/internal/fakecircleci"
	"github.com/totto-ci/totto/pipeline"
)

// victimOutput is the failed step output of another project's build: it must never reach this
// repository's check run.
const victimOutput = `[{"message":"VICTIM-SECRET deploy key for victim/private\n","time":"2026-01-01T00:00:00Z","type":"out"}]`

// A signed status on octo/widgets whose target_url names another project's build (directly, or
// through path tricks) is never fetched with the operator's CircleCI token: the job is no-log,
// CircleCI sees no request for the other project, and the check run quotes none of its output.
func TestCircleCIStatusNamingAnotherProject(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		for _, target := range []string{
			"https://circleci.com/gh/victim/private/16",
			"https://app.circleci.com/pipelines/github/victim/private/3/workflows/w/jobs/16",
			"https://circleci.com/gh/octo/../victim/private/16",
			"https://circleci.com/gh/octo/widgets/..%2F..%2Fvictim%2Fprivate%2F16",
			"https://circleci.com/bb/octo/widgets/16",
		} {
			t.Run(target, func(t *testing.T) {
				e := newEnv(t, b)
				build := fakecircleci.AtRevision(t, corpusFile(t, "api", "circleci", "fixtures", "gitauto", "build_16.json"), sha)
				e.circle.AddBuild(t, "github", "victim", "private", 16, build, victimOutputs(t, build))
				e.start()
				e.enqueue(pipeline.ProcessJobArgs{InstallationID: installation, Repo: full, SHA: sha, Provider: "circleci",
					JobName: "ci/circleci: build", TargetURL: target, Conclusion: "failure"})
				e.drain()
				cr := e.checkRun()
				if strings.Contains(cr.Output.Summary+cr.Output.Text, "VICTIM-SECRET") {
					t.Fatal("another project's build output reached this repository's check run")
				}
				for _, r := range e.circle.Requests() {
					if strings.Contains(r.URL.Path, "victim") {
						t.Fatalf("CircleCI was asked for the other project: %s", r.URL.Path)
					}
				}
				if !strings.Contains(cr.Output.Summary+cr.Output.Text, "no log") && !strings.Contains(cr.Output.Summary, "no-log") {
					t.Errorf("want a no-log verdict:\n%s", cr.Output.Summary)
				}
			})
		}
	})
}

// A status naming this repository's build whose build ran another commit is not read either: the
// build's output would explain a commit it does not belong to.
func TestCircleCIStatusNamingBuildOfAnotherCommit(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		e := newEnv(t, b)
		build := fakecircleci.AtRevision(t, corpusFile(t, "api", "circleci", "fixtures", "gitauto", "build_16.json"),
			"0000000000000000000000000000000000000001")
		e.circle.AddBuild(t, "github", owner, repo, 16, build, victimOutputs(t, build))
		e.start()
		e.enqueue(pipeline.ProcessJobArgs{InstallationID: installation, Repo: full, SHA: sha, Provider: "circleci",
			JobName: "ci/circleci: build", TargetURL: "https://circleci.com/gh/" + full + "/16", Conclusion: "failure"})
		e.drain()
		cr := e.checkRun()
		if strings.Contains(cr.Output.Summary+cr.Output.Text, "VICTIM-SECRET") {
			t.Fatal("the output of a build of another commit reached the check run")
		}
		if !strings.Contains(cr.Output.Summary+cr.Output.Text, "not the status") {
			t.Errorf("the check run does not say the build is of another commit:\n%s\n%s", cr.Output.Summary, cr.Output.Text)
		}
		for _, r := range e.circle.Requests() {
			if strings.HasPrefix(r.URL.Path, "/output/") {
				t.Fatalf("the other commit's step output was downloaded: %s", r.URL.Path)
			}
		}
	})
}

// victimOutputs maps every failed action's output_url of build to victimOutput.
func victimOutputs(t *testing.T, build []byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, u := range failedOutputURLs(t, build) {
		out[u] = []byte(victimOutput)
	}
	return out
}
