package pipeline_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-github/v89/github"

	"github.com/totto-ci/totto/internal/fakecircleci"
	"github.com/totto-ci/totto/internal/fakegithub"
	"github.com/totto-ci/totto/pipeline"
)

const installation = 1

// repoConfig is the repository's .github/totto.yml: one pattern of its own (tagged flaky, matching
// the CircleCI build's output) and lint-like jobs never flaky.
const repoConfig = `patterns:
  - name: docker hub anonymous pull
    literal: "No authentication provided, using CircleCI credentials"
    tags: [flaky]
    description: Anonymous Docker Hub pulls are throttled; rerun.
never_flaky: ["*lint*"]
`

// ghaJob makes a failed GitHub Actions job with a real log known to the fake.
func (e *env) ghaJob(id int64, name, conclusion, logFile string) pipeline.ProcessJobArgs {
	e.t.Helper()
	var log []byte
	if logFile != "" {
		log = corpusFile(e.t, "logs", "pytorch-dev", "clean", logFile)
	}
	e.gh.AddJob(fakegithub.Job{ID: id, RunID: 900, Owner: owner, Repo: repo, Name: name, HeadSHA: sha, HeadBranch: "feature",
		Conclusion: conclusion, Log: log, Steps: []fakegithub.Step{{Name: "Set up job", Number: 1, Conclusion: "success"},
			{Name: "Build", Number: 2, Conclusion: conclusion}}})
	return pipeline.ProcessJobArgs{InstallationID: installation, Repo: full, SHA: sha, Branch: "feature",
		Provider: "github-actions", JobID: id, JobName: name, Conclusion: conclusion}
}

// circleBuild serves the real failed CircleCI build 16 and its real step output, as reported by
// a commit status.
func (e *env) circleBuild() pipeline.ProcessJobArgs {
	e.t.Helper()
	build := fakecircleci.AtRevision(e.t, corpusFile(e.t, "api", "circleci", "fixtures", "gitauto", "build_16.json"), sha)
	entries := corpusFile(e.t, "api", "circleci", "fixtures", "gitauto", "log_entries.json")
	outputs := map[string][]byte{}
	for _, u := range failedOutputURLs(e.t, build) {
		outputs[u] = entries
	}
	e.circle.AddBuild(e.t, "github", owner, repo, 16, build, outputs)
	return pipeline.ProcessJobArgs{InstallationID: installation, Repo: full, SHA: sha, Provider: "circleci",
		JobName: "ci/circleci: Stress Tests (Intentional Failure)", TargetURL: "https://circleci.com/gh/" + full + "/16",
		Conclusion: "failure"}
}

// failedOutputURLs lists the output_url of every failed action of a v1.1 build.
func failedOutputURLs(t *testing.T, build []byte) []string {
	t.Helper()
	var meta struct {
		Steps []struct {
			Actions []struct {
				Status    string
				OutputURL string `json:"output_url"`
			}
		}
	}
	if err := json.Unmarshal(build, &meta); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range meta.Steps {
		for _, a := range s.Actions {
			if a.Status == "failed" {
				out = append(out, a.OutputURL)
			}
		}
	}
	return out
}

// checkRun returns the commit's only check run, failing the test unless there is exactly one.
func (e *env) checkRun() fakegithub.CheckRun {
	e.t.Helper()
	runs := e.gh.CheckRuns(owner, repo)
	if len(runs) != 1 {
		e.t.Fatalf("want exactly one check run, got %d: %+v", len(runs), runs)
	}
	return runs[0]
}

// checkRunCreates counts POSTs creating check runs.
func (e *env) checkRunCreates() int {
	n := 0
	for _, r := range e.gh.Requests() {
		if r.Method == "POST" && r.Path == "/api/v3/repos/"+full+"/check-runs" {
			n++
		}
	}
	return n
}

func githubCreate(name, status string) github.CreateCheckRunOptions {
	return github.CreateCheckRunOptions{Name: name, HeadSHA: sha, Status: github.Ptr(status)}
}
