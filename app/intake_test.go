package app

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/totto-ci/totto/pipeline"
	"github.com/totto-ci/totto/store"
)

// Real deliveries from GitHub Actions, the CircleCI checks app and CircleCI statuses become one
// process_job each, with the provider and job identity the pipeline needs.
func TestJobEventsEnqueueProcessJob(t *testing.T) {
	cases := []struct {
		name  string
		event string
		path  []string
		want  pipeline.ProcessJobArgs
	}{{
		name: "github actions check run", event: "check_run",
		path: []string{"real", "gitauto", "check_run", "completed.json"},
		want: pipeline.ProcessJobArgs{
			InstallationID: 52733965, Repo: "hiroshinishio/tetris", SHA: "cf4fb4f60a67e1b8ff1447ba72cb5131e4979ed7",
			Branch: "gitauto-wes/issue-#1-b002415c-aa59-4551-95a5-503c1b4f892c", DefaultBranch: "master", Provider: "github-actions",
			JobID: 31710113401, JobName: "MSBuild (3.9)", Conclusion: "failure",
			TargetURL: "https://github.com/hiroshinishio/tetris/actions/runs/11393174689/job/31710113401",
		},
	}, {
		name: "circleci checks app", event: "check_run",
		path: []string{"real", "gitauto", "check_run", "completed_by_circleci.json"},
		want: pipeline.ProcessJobArgs{
			InstallationID: 60314628, Repo: "gitautoai/gitauto", SHA: "2b7b354caa571c2cbe7d0876450c053b1974f6b0",
			Branch: "wes", DefaultBranch: "main", Provider: "circleci", JobName: "test-and-deploy - b20e1f9b", Conclusion: "failure",
			TargetURL: "https://app.circleci.com/pipelines/circleci/J2wtzLah5rmzRnx6qn4RyQ/UUb5FLNgQCnif8mB6mQn7s/7/workflows/772ddda7-d6b7-49ad-9123-108d9f8164b5?utm_campaign=vcs-integration-link&utm_medium=referral&utm_source=github-checks-link&utm_content=bottom",
		},
	}, {
		name: "circleci status failure", event: "status",
		path: []string{"real", "circleci-status", "status.failure.json"},
		want: pipeline.ProcessJobArgs{
			InstallationID: 1189324, Repo: "faustbrian/probot-test", SHA: "4cd80b25d8e8a153b60886adf5443ef89e1eb593",
			Branch: "faustbrian-patch-1", DefaultBranch: "master", Provider: "circleci", JobName: "ci/circleci: build", Conclusion: "failure",
			TargetURL: "https://circleci.com/gh/faustbrian/probot-test/16?utm_campaign=vcs-integration-link&utm_medium=referral&utm_source=github-build-link",
		},
	}, {
		name: "other status success on the default branch", event: "status",
		path: []string{"octokit", "status.none.3.json"},
		want: pipeline.ProcessJobArgs{
			InstallationID: 1, Repo: "Codertocat/Hello-World", SHA: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
			Branch: "master", DefaultBranch: "master", Provider: "status", JobName: "default", Conclusion: "success",
		},
	}}
	eachBackend(t, func(t *testing.T, b backend) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				a := newTestApp(t, b.url(t), false)
				body := corpusDelivery(t, c.path...)
				wantCode(t, post(t, a, c.event, "d-1", body, true), http.StatusOK)
				got := processJobs(t, a)
				if len(got) != 1 || !reflect.DeepEqual(got[0], c.want) {
					t.Fatalf("queued %+v\nwant [%+v]", got, c.want)
				}
				// A redelivery (same X-GitHub-Delivery) is acknowledged and does nothing.
				wantCode(t, post(t, a, c.event, "d-1", body, true), http.StatusOK)
				if n := len(queuedJobs(t, a)); n != 1 {
					t.Fatalf("after a redelivery %d jobs are queued, want 1", n)
				}
				// A second delivery of the same job event (GitHub sends a new id on re-send)
				// collapses into the unfinished job.
				wantCode(t, post(t, a, c.event, "d-2", body, true), http.StatusOK)
				if n := len(queuedJobs(t, a)); n != 1 {
					t.Fatalf("after a duplicate event %d jobs are queued, want 1", n)
				}
				if v := testutil.ToFloat64(a.Metrics.Webhooks.WithLabelValues(c.event, outcomeHandled)); v != 3 {
					t.Errorf("webhooks handled metric = %v, want 3", v)
				}
			})
		}
	})
}

// Events that must not create work: totto's own check runs, unfinished ones, pending statuses.
func TestIrrelevantJobEventsEnqueueNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		a := newTestApp(t, b.url(t), false)
		own := edit(t, corpusDelivery(t, "real", "gitauto", "check_run", "completed.json"), func(m map[string]any) {
			m["check_run"].(map[string]any)["app"].(map[string]any)["id"] = testAppID
		})
		created := corpusDelivery(t, "octokit", "check_run.created.0.json")
		pending := edit(t, corpusDelivery(t, "real", "circleci-status", "status.failure.json"), func(m map[string]any) {
			m["state"] = "pending"
		})
		for i, d := range []struct {
			event string
			body  []byte
		}{{"check_run", own}, {"check_run", created}, {"status", pending}} {
			wantCode(t, post(t, a, d.event, "irrelevant-"+string(rune('a'+i)), d.body, true), http.StatusOK)
		}
		if jobs := queuedJobs(t, a); len(jobs) != 0 {
			t.Fatalf("queued %d jobs for irrelevant events, want none", len(jobs))
		}
	})
}

// /totto comments by people become slash_command jobs; other comments, edits, deletions and bots
// are ignored.
func TestCommentsEnqueueCommands(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		a := newTestApp(t, b.url(t), false)
		setBody := func(body string) func(m map[string]any) {
			return func(m map[string]any) { m["comment"].(map[string]any)["body"] = body }
		}
		issue := corpusDelivery(t, "real", "pytorch-torchci", "issue_comment.json")
		commit := corpusDelivery(t, "octokit", "commit_comment.created.0.json")
		bot := edit(t, issue, func(m map[string]any) {
			setBody("/totto rescan")(m)
			m["comment"].(map[string]any)["user"].(map[string]any)["type"] = "Bot"
		})
		edited := edit(t, corpusDelivery(t, "octokit", "issue_comment.edited.7.json"), setBody("/totto rescan"))
		for i, d := range []struct {
			event string
			body  []byte
		}{
			{"issue_comment", issue}, // "random comment": no command
			{"issue_comment", edit(t, issue, setBody("thanks!\n/totto known-broken lint flaky runner"))},
			{"commit_comment", edit(t, commit, setBody("/totto help"))},
			{"issue_comment", bot},
			{"issue_comment", edited},
		} {
			wantCode(t, post(t, a, d.event, "c-"+string(rune('a'+i)), d.body, true), http.StatusOK)
		}
		got := commandJobs(t, a)
		want := []pipeline.CommandArgs{
			{Repo: "kit1980/deleteme", IssueNumber: 1, CommentID: 1057427273, Author: "kit1980",
				Body: "thanks!\n/totto known-broken lint flaky runner"},
			{Repo: "Codertocat/Hello-World", CommitSHA: "6113728f27ae82c7b1a177c8d03f9e96e0adf246", CommitComment: true,
				CommentID: 33548674, Author: "Codertocat", Body: "/totto help"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("queued commands %+v\nwant %+v", got, want)
		}
	})
}

// Installing, adding and removing repositories and uninstalling keep the store in step; nothing
// is deleted.
func TestInstallationLifecycle(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		a := newTestApp(t, b.url(t), false)
		ctx := context.Background()
		repo := func(name string) store.Repository {
			t.Helper()
			r, err := a.Store.Repository(ctx, name)
			if err != nil {
				t.Fatalf("repository %s: %v", name, err)
			}
			return r
		}
		wantCode(t, post(t, a, "installation", "i-1", corpusDelivery(t, "real", "gitauto", "installation", "created.json"), true), http.StatusOK)
		r := repo("issue-to-pr/issue-to-pr")
		if !r.Active || r.InstallationID == nil || *r.InstallationID != 47406978 {
			t.Fatalf("after install: %+v, want active under installation 47406978", r)
		}

		wantCode(t, post(t, a, "installation", "i-2", corpusDelivery(t, "octokit", "installation.created.1.json"), true), http.StatusOK)
		wantCode(t, post(t, a, "installation_repositories", "i-3", corpusDelivery(t, "octokit", "installation_repositories.added.0.json"), true), http.StatusOK)
		if r := repo("Codertocat/Space"); !r.Active || *r.InstallationID != 957387 {
			t.Fatalf("added repository: %+v", r)
		}
		removed := edit(t, corpusDelivery(t, "octokit", "installation_repositories.removed.2.json"), func(m map[string]any) {
			m["installation"].(map[string]any)["id"] = 957387
			m["repositories_removed"].([]any)[0].(map[string]any)["full_name"] = "Codertocat/Space"
		})
		wantCode(t, post(t, a, "installation_repositories", "i-4", removed, true), http.StatusOK)
		if r := repo("Codertocat/Space"); r.Active {
			t.Fatalf("removed repository still active: %+v", r)
		}
		if r := repo("Codertocat/Hello-World"); !r.Active {
			t.Fatalf("a repository not removed became inactive: %+v", r)
		}

		// Uninstalling an installation totto never recorded is acknowledged and changes nothing.
		wantCode(t, post(t, a, "installation", "i-unknown", corpusDelivery(t, "real", "gitauto", "installation", "deleted.json"), true), http.StatusOK)
		if r := repo("issue-to-pr/issue-to-pr"); !r.Active {
			t.Fatalf("uninstalling another installation deactivated %+v", r)
		}
		deleted := edit(t, corpusDelivery(t, "real", "gitauto", "installation", "deleted.json"), func(m map[string]any) {
			m["installation"].(map[string]any)["id"] = 47406978 // the capture uninstalls another installation
		})
		wantCode(t, post(t, a, "installation", "i-5", deleted, true), http.StatusOK)
		if r := repo("issue-to-pr/issue-to-pr"); r.Active {
			t.Fatalf("after uninstall: %+v, want inactive (and still stored)", r)
		}
		if jobs := queuedJobs(t, a); len(jobs) != 0 {
			t.Fatalf("installation events queued %d jobs, want none", len(jobs))
		}
	})
}

// Repositories added to an installation totto has not recorded (its own delivery comes later, or
// was lost) are recorded under it, not refused with a 500 that GitHub would redeliver for ever.
func TestRepositoriesAddedBeforeTheirInstallation(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		a := newTestApp(t, b.url(t), false)
		wantCode(t, post(t, a, "installation_repositories", "r-1", corpusDelivery(t, "octokit", "installation_repositories.added.0.json"), true), http.StatusOK)
		r, err := a.Store.Repository(context.Background(), "Codertocat/Space")
		if err != nil || !r.Active || r.InstallationID == nil || *r.InstallationID != 957387 {
			t.Fatalf("added repository: %+v, %v; want active under installation 957387", r, err)
		}
		wantCode(t, post(t, a, "installation", "r-2", corpusDelivery(t, "octokit", "installation.created.1.json"), true), http.StatusOK)
	})
}

// A push to the default branch records its commits once; tag pushes and other branches do not.
func TestPushRecordsDefaultBranchCommits(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		a := newTestApp(t, b.url(t), false)
		ctx := context.Background()
		push := corpusDelivery(t, "octokit", "push.none.4.json")
		wantCode(t, post(t, a, "push", "p-1", corpusDelivery(t, "octokit", "push.none.3.json"), true), http.StatusOK) // a tag
		other := edit(t, push, func(m map[string]any) { m["ref"] = "refs/heads/feature" })
		wantCode(t, post(t, a, "push", "p-2", other, true), http.StatusOK)
		if _, err := a.Store.Repository(ctx, "Codertocat/Hello-World"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a push outside the default branch touched the store: %v", err)
		}
		wantCode(t, post(t, a, "push", "p-3", push, true), http.StatusOK)
		wantCode(t, post(t, a, "push", "p-4", push, true), http.StatusOK) // the same push, re-sent
		r, err := a.Store.Repository(ctx, "Codertocat/Hello-World")
		if err != nil {
			t.Fatal(err)
		}
		commits, err := a.Store.BranchCommits(ctx, r.ID, "master", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(commits) != 1 || commits[0].SHA != "6113728f27ae82c7b1a177c8d03f9e96e0adf246" || commits[0].Author != "Codertocat" {
			t.Fatalf("branch commits %+v, want the one pushed commit", commits)
		}
		if jobs := queuedJobs(t, a); len(jobs) != 0 {
			t.Fatalf("a push queued %d jobs, want none", len(jobs))
		}
	})
}
