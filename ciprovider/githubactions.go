package ciprovider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/google/go-github/v89/github"

	"github.com/totto-ci/totto/ident"
)

// GitHubActions reads GitHub Actions jobs and their logs through an installation client. The log
// itself is served from a short-lived URL on another host; it is fetched with Logs, a client that
// carries none of our credentials and only reaches allowed hosts.
type GitHubActions struct {
	API   *github.Client
	Logs  *http.Client
	Hosts HostList
}

// Job returns a job's metadata.
func (g *GitHubActions) Job(ctx context.Context, owner, repo string, id int64) (*Job, error) {
	wj, resp, err := g.API.Actions.GetWorkflowJobByID(ctx, owner, repo, id)
	if err != nil {
		if resp != nil && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone) {
			return nil, &UnavailableError{Reason: fmt.Sprintf("GitHub Actions job %s/%s#%d: HTTP %d", owner, repo, id, resp.StatusCode)}
		}
		return nil, fmt.Errorf("getting GitHub Actions job %s/%s#%d: %w", owner, repo, id, err)
	}
	return actionsJob(owner+"/"+repo, wj), nil
}

func actionsJob(repo string, wj *github.WorkflowJob) *Job {
	j := &Job{
		Provider:   ident.ProviderGitHubActions,
		ExternalID: strconv.FormatInt(wj.GetID(), 10),
		Attempt:    int(wj.GetRunAttempt()),
		Repo:       repo,
		SHA:        wj.GetHeadSHA(),
		Branch:     wj.GetHeadBranch(),
		Name:       wj.GetName(),
		Conclusion: wj.GetConclusion(),
		URL:        wj.GetHTMLURL(),
		Started:    wj.GetStartedAt().Time,
		Completed:  wj.GetCompletedAt().Time,
	}
	if j.Attempt == 0 {
		j.Attempt = 1
	}
	for _, s := range wj.Steps {
		j.Steps = append(j.Steps, Step{Number: int(s.GetNumber()), Name: s.GetName(), Failed: s.GetConclusion() == "failure"})
	}
	return j
}

// OpenLog streams a job's raw log. Expired or deleted logs (GitHub keeps them 90 days) give an
// UnavailableError; rate limits and 5xx give errors RetryAfter recognises.
func (g *GitHubActions) OpenLog(ctx context.Context, owner, repo string, id int64) (io.ReadCloser, error) {
	u, resp, err := g.API.Actions.GetWorkflowJobLogs(ctx, owner, repo, id, 1)
	if err != nil {
		if resp != nil && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone) {
			return nil, &UnavailableError{Reason: fmt.Sprintf("GitHub Actions log of job %s/%s#%d: HTTP %d (expired or deleted)", owner, repo, id, resp.StatusCode)}
		}
		// go-github reports a non-redirect answer here as a plain error: classify it from the
		// status so 5xx and rate limits are retried.
		if resp != nil && resp.Response != nil && resp.StatusCode >= 400 {
			return nil, classifyHTTP(fmt.Sprintf("locating log of job %s/%s#%d", owner, repo, id), resp.Response)
		}
		return nil, fmt.Errorf("locating log of job %s/%s#%d: %w", owner, repo, id, err)
	}
	if !g.Hosts.Allows(u) {
		return nil, fmt.Errorf("log of job %s/%s#%d is at %s: %w", owner, repo, id, u.Host, ErrHostNotAllowed)
	}
	return openURL(ctx, g.Logs, u.String(), fmt.Sprintf("log of job %s/%s#%d", owner, repo, id))
}

// openURL GETs a log URL with a credential-free client and classifies failures.
func openURL(ctx context.Context, c *http.Client, u, what string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	resp, err := c.Do(req)
	if errors.Is(err, ErrHostNotAllowed) {
		return nil, fmt.Errorf("downloading %s: %w", what, err)
	}
	if err != nil {
		return nil, &RetryError{Err: fmt.Errorf("downloading %s: %w", what, err)}
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, classifyHTTP("downloading "+what, resp)
	}
	return resp.Body, nil
}
