package ciprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// CircleCI re-runs workflows through API v2 (v1.1 has no workflow re-run). v2 lives beside v1.1
// on the same host, so its root is derived from BaseURL: …/api/v1.1 → …/api/v2.

// CircleWorkflow is the part of a v2 workflow we use.
type CircleWorkflow struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"` // success, running, not_run, failed, error, failing, on_hold, canceled, unauthorized
}

// CircleWorkflowJob is one job of a v2 workflow's job list.
type CircleWorkflowJob struct {
	ID     string `json:"id"`
	Number int    `json:"job_number"` // the v1.1 build number; absent for approval jobs
	Name   string `json:"name"`
	Status string `json:"status"`
}

// Failed reports whether a "rerun from failed" re-runs this job.
func (j CircleWorkflowJob) Failed() bool {
	switch j.Status {
	case "failed", "infrastructure_fail", "timedout":
		return true
	}
	return false
}

// RerunRefusedError says CircleCI will not let the token re-run a workflow (401, 403 or 404: no
// token, a project token API v2 does not take, or a user without write access). Asking again
// with the same token gets the same answer.
type RerunRefusedError struct {
	Status  int
	Message string // CircleCI's message, clipped
}

func (e *RerunRefusedError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("CircleCI refused (HTTP %d)", e.Status)
	}
	return fmt.Sprintf("CircleCI refused (HTTP %d: %s)", e.Status, e.Message)
}

// IsRerunRefused reports whether err is CircleCI refusing the token.
func IsRerunRefused(err error) bool {
	var r *RerunRefusedError
	return errors.As(err, &r)
}

// ErrNoV2Root says the configured API root does not end in /api/v1.1, so API v2's is unknown.
var ErrNoV2Root = errors.New("circleci.api_url does not end in /api/v1.1, so CircleCI's API v2 root is unknown")

// maxWorkflowJobPages bounds the pages of a workflow's job list read (CircleCI pages by 20 or
// so; a workflow with more than a few hundred jobs is not re-run blindly).
const maxWorkflowJobPages = 20

// v2Root derives API v2's root from the v1.1 BaseURL.
func (c *CircleCI) v2Root() (string, error) {
	base := strings.TrimRight(c.BaseURL, "/")
	root, ok := strings.CutSuffix(base, "/v1.1")
	if !ok {
		return "", ErrNoV2Root
	}
	return root + "/v2", nil
}

// Workflow fetches a workflow's status.
func (c *CircleCI) Workflow(ctx context.Context, id string) (*CircleWorkflow, error) {
	var w CircleWorkflow
	if err := c.v2(ctx, http.MethodGet, "/workflow/"+url.PathEscape(id), nil, &w, "getting CircleCI workflow "+id); err != nil {
		return nil, err
	}
	return &w, nil
}

// WorkflowJobs lists every job of a workflow, following next_page_token.
func (c *CircleCI) WorkflowJobs(ctx context.Context, id string) ([]CircleWorkflowJob, error) {
	var all []CircleWorkflowJob
	token := ""
	for range maxWorkflowJobPages {
		path := "/workflow/" + url.PathEscape(id) + "/job"
		if token != "" {
			path += "?page-token=" + url.QueryEscape(token)
		}
		var page struct {
			Items []CircleWorkflowJob `json:"items"`
			Next  *string             `json:"next_page_token"`
		}
		if err := c.v2(ctx, http.MethodGet, path, nil, &page, "listing the jobs of CircleCI workflow "+id); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.Next == nil || *page.Next == "" {
			return all, nil
		}
		token = *page.Next
	}
	return nil, fmt.Errorf("listing the jobs of CircleCI workflow %s: more than %d pages", id, maxWorkflowJobPages)
}

// RerunFromFailed asks CircleCI to re-run a workflow from its failed jobs (every failed job and
// what depends on it) and returns the new workflow's id.
func (c *CircleCI) RerunFromFailed(ctx context.Context, id string) (string, error) {
	var out struct {
		WorkflowID string `json:"workflow_id"`
	}
	body := []byte(`{"from_failed":true}`)
	if err := c.v2(ctx, http.MethodPost, "/workflow/"+url.PathEscape(id)+"/rerun", body, &out, "re-running CircleCI workflow "+id); err != nil {
		return "", err
	}
	return out.WorkflowID, nil
}

// v2 sends one API v2 request and decodes its JSON answer into out. 401, 403 and 404 are a
// RerunRefusedError (v2 answers 404 for a project the token cannot see); rate limits and 5xx
// are RetryErrors.
func (c *CircleCI) v2(ctx context.Context, method, path string, body []byte, out any, what string) error {
	root, err := c.v2Root()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if c.Token == "" {
		return fmt.Errorf("%s: %w", what, &RerunRefusedError{Status: http.StatusUnauthorized, Message: "no CircleCI token is configured"})
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, root+path, rd)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Circle-Token", c.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := sameHostOnly(c.API).Do(req)
	if errors.Is(err, ErrCrossHostRedirect) {
		return fmt.Errorf("%s: %w", what, err) // following it would hand the token to another host
	}
	if err != nil {
		return &RetryError{Err: fmt.Errorf("%s: %w", what, err)}
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK, http.StatusAccepted, http.StatusCreated:
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
		var msg struct {
			Message string `json:"message"`
		}
		_ = json.NewDecoder(io.LimitReader(resp.Body, 4<<10)).Decode(&msg)
		return fmt.Errorf("%s: %w", what, &RerunRefusedError{Status: resp.StatusCode, Message: clipURL(strings.ToValidUTF8(msg.Message, "?"))})
	default:
		return classifyHTTP(what, resp)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(out); err != nil {
		return fmt.Errorf("decoding the answer to %s: %w", what, err)
	}
	return nil
}
