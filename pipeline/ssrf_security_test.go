package pipeline_test

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/pipeline"
)

// trap is a listener on 127.0.0.2 (another loopback address, as the operator's internal
// services would be) that counts every request reaching it.
func trap(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2 (loopback range not routed here): %v", err)
	}
	var hits atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte("internal secret"))
	}))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL, &hits
}

// A CircleCI build whose failed step's output_url points into the operator's network (another
// loopback address, the cloud metadata address, a file) is never fetched: the job gets a no-log
// verdict that says the host is not allowed, and the internal address sees no request.
func TestCircleCIOutputURLOutsideAllowedHosts(t *testing.T) {
	internal, hits := trap(t)
	for _, c := range []struct{ name, target string }{
		{"other loopback address", internal + "/latest/meta-data"},
		{"cloud metadata", "http://169.254.169.254/latest/meta-data/iam/security-credentials/"},
		{"file", "file:///etc/passwd"},
		{"gopher", "gopher://127.0.0.1:6379/_FLUSHALL"},
	} {
		target := c.target
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, backends[0])
			// The real failed build 16, with its failed steps' output_url pointed at target.
			var build map[string]any
			if err := json.Unmarshal(corpusFile(t, "api", "circleci", "fixtures", "gitauto", "build_16.json"), &build); err != nil {
				t.Fatal(err)
			}
			build["vcs_revision"], build["username"], build["reponame"] = sha, owner, repo
			for _, st := range build["steps"].([]any) {
				for _, a := range st.(map[string]any)["actions"].([]any) {
					if am := a.(map[string]any); am["status"] == "failed" {
						am["output_url"] = target
					}
				}
			}
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(build)
			}))
			t.Cleanup(api.Close)
			e.deps.CircleCI.BaseURL = api.URL + "/api/v1.1"
			e.start()
			e.enqueue(pipeline.ProcessJobArgs{InstallationID: installation, Repo: full, SHA: sha, Provider: "circleci",
				JobName: "ci/circleci: Stress Tests (Intentional Failure)", TargetURL: "https://circleci.com/gh/" + full + "/16",
				Conclusion: "failure"})
			e.drain()
			cr := e.checkRun()
			if !strings.Contains(cr.Output.Summary, "no log") && !strings.Contains(cr.Output.Summary, "no-log") {
				t.Errorf("want a no-log verdict, got %s:\n%s", cr.Conclusion, cr.Output.Summary)
			}
			if !strings.Contains(cr.Output.Summary+cr.Output.Text, "not allowed") {
				t.Errorf("the check run does not say the log host is not allowed:\n%s\n%s", cr.Output.Summary, cr.Output.Text)
			}
			if strings.Contains(cr.Output.Summary+cr.Output.Text, "internal secret") {
				t.Fatal("internal content reached the check run")
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the internal address received %d requests", n)
	}
}

// A GitHub Actions log redirect to a host not on the allowed list is not followed: the job is
// no-log and the redirect target is never requested.
func TestActionsLogRedirectOutsideAllowedHosts(t *testing.T) {
	e := newEnv(t, backends[0])
	e.deps.LogHosts = ciprovider.HostList{"*.blob.core.windows.net"}
	gha := e.ghaJob(101, "build (linux)", "failure", "compile_error.log")
	e.start()
	e.enqueue(gha)
	e.drain()
	cr := e.checkRun()
	if !strings.Contains(cr.Output.Summary, "no log") && !strings.Contains(cr.Output.Summary, "no-log") {
		t.Errorf("want a no-log verdict, got %s:\n%s", cr.Conclusion, cr.Output.Summary)
	}
	if !strings.Contains(cr.Output.Summary+cr.Output.Text, "not allowed") {
		t.Errorf("the check run does not say the log host is not allowed:\n%s\n%s", cr.Output.Summary, cr.Output.Text)
	}
	for _, r := range e.gh.Requests() {
		if strings.Contains(r.Path, "_blobs") {
			t.Fatalf("the disallowed redirect target was fetched: %s", r.Path)
		}
	}
}

// The log-host allow-list matches ports too: "127.0.0.1" allows the default port only, so a log
// redirect to another service on that host (here the fake's own port) is a no-log, not a fetch.
func TestLogHostAllowListMatchesPort(t *testing.T) {
	e := newEnv(t, backends[0])
	e.deps.LogHosts = ciprovider.HostList{"127.0.0.1"}
	gha := e.ghaJob(102, "build (linux)", "failure", "compile_error.log")
	e.start()
	e.enqueue(gha)
	e.drain()
	cr := e.checkRun()
	if !strings.Contains(cr.Output.Summary+cr.Output.Text, "not allowed") {
		t.Errorf("the check run does not say the log host is not allowed:\n%s\n%s", cr.Output.Summary, cr.Output.Text)
	}
	for _, r := range e.gh.Requests() {
		if strings.Contains(r.Path, "_blobs") {
			t.Fatalf("a log on a port not on the list was fetched: %s", r.Path)
		}
	}
}
