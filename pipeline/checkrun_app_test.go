package pipeline_test

import (
	"net/url"
	"testing"

	"github.com/totto-ci/totto/internal/fakegithub"
	"github.com/totto-ci/totto/pipeline"
)

// A check run named "totto" that another App created (a workflow job called totto) is left alone:
// GitHub answers 403 to any other App updating it, so adopting it would cancel the triage and no
// verdict would ever be posted. totto creates its own next to it.
func TestForeignCheckRunNotAdopted(t *testing.T) {
	e := newEnv(t, backends[0])
	gha := e.ghaJob(101, "build (linux)", "failure", "compile_error.log")
	foreign := e.gh.AddCheckRun(fakegithub.CheckRun{Owner: owner, Repo: repo, Name: pipeline.CheckRunName, HeadSHA: sha,
		Conclusion: "success", AppID: 15368})
	e.start()
	e.enqueue(gha)
	e.drain()
	var mine []fakegithub.CheckRun
	for _, cr := range e.gh.CheckRuns(owner, repo) {
		if cr.ID == foreign {
			if cr.Writes != 0 {
				t.Errorf("the other App's check run was written %d times", cr.Writes)
			}
			continue
		}
		mine = append(mine, cr)
	}
	if len(mine) != 1 || mine[0].AppID != e.gh.AppID || mine[0].Conclusion != "failure" {
		t.Fatalf("want one check run of totto's App concluding failure, got %+v; events: %s", mine, e.eventSummary())
	}
	for _, r := range e.gh.Requests() {
		if r.Method == "GET" && r.Path == "/api/v3/repos/"+full+"/commits/"+sha+"/check-runs" && r.RawQuery != "" {
			if q, _ := url.ParseQuery(r.RawQuery); q.Get("app_id") != "1" {
				t.Errorf("check runs listed without app_id=1: %s", r.RawQuery)
			}
		}
	}
}
