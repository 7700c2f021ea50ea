package ciprovider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/totto-ci/totto/ident"
)

// CircleCI reads builds and step output through CircleCI's API v1.1: v2 has no endpoint for step
// output, so v1.1's build details (steps[].actions[].output_url) are the only way to the log.
type CircleCI struct {
	// BaseURL is the v1.1 API root, e.g. https://circleci.com/api/v1.1 (Server installs differ).
	BaseURL string
	// Token is optional: public projects need none.
	Token string
	// API is used for API calls; Logs (credential-free, host-checked) for output_url downloads.
	API   *http.Client
	Logs  *http.Client
	Hosts HostList
}

// CircleBuild is the part of a v1.1 build we use.
type CircleBuild struct {
	BuildNum    int           `json:"build_num"`
	BuildURL    string        `json:"build_url"`
	VCSRevision string        `json:"vcs_revision"`
	Branch      string        `json:"branch"`
	Status      string        `json:"status"`
	Outcome     string        `json:"outcome"`
	JobName     string        `json:"job_name"`
	Parallel    int           `json:"parallel"`
	Username    string        `json:"username"`
	Reponame    string        `json:"reponame"`
	QueuedAt    *time.Time    `json:"queued_at"`
	StartTime   *time.Time    `json:"start_time"`
	StopTime    *time.Time    `json:"stop_time"`
	RetryOf     *int          `json:"retry_of"`
	Steps       []CircleStep  `json:"steps"`
	Workflows   *circleWFInfo `json:"workflows"`
}

type circleWFInfo struct {
	JobName      string `json:"job_name"`
	WorkflowName string `json:"workflow_name"`
	WorkflowID   string `json:"workflow_id"`
}

// WorkflowID is the id of the workflow the build ran in ("" for builds outside workflows).
func (b *CircleBuild) WorkflowID() string {
	if b.Workflows == nil {
		return ""
	}
	return b.Workflows.WorkflowID
}

// CircleStep is one step with one action per parallel container.
type CircleStep struct {
	Name    string         `json:"name"`
	Actions []CircleAction `json:"actions"`
}

// CircleAction is one container's run of a step.
type CircleAction struct {
	Name      string `json:"name"`
	Status    string `json:"status"`
	Index     int    `json:"index"`
	Step      int    `json:"step"`
	Failed    *bool  `json:"failed"`
	HasOutput bool   `json:"has_output"`
	OutputURL string `json:"output_url"`
	ExitCode  *int   `json:"exit_code"`
}

func (a CircleAction) failed() bool {
	return (a.Failed != nil && *a.Failed) || a.Status == "failed" || a.Status == "timedout" || a.Status == "infrastructure_fail"
}

// Build fetches a build's details.
func (c *CircleCI) Build(ctx context.Context, t CircleTarget) (*CircleBuild, error) {
	u := fmt.Sprintf("%s/project/%s/%s/%s/%d", strings.TrimRight(c.BaseURL, "/"), t.VCS,
		url.PathEscape(t.Project.Owner), url.PathEscape(t.Project.Name), t.BuildNum)
	what := fmt.Sprintf("CircleCI build %s#%d", t.Project, t.BuildNum)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	req.Header.Set("Accept", "application/json")
	if c.Token != "" {
		req.Header.Set("Circle-Token", c.Token)
	}
	resp, err := sameHostOnly(c.API).Do(req)
	if errors.Is(err, ErrCrossHostRedirect) {
		// The answer will not change, and following it would hand the token to another host.
		return nil, &UnavailableError{Reason: fmt.Sprintf("getting %s: %v", what, err)}
	}
	if err != nil {
		return nil, &RetryError{Err: fmt.Errorf("getting %s: %w", what, err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, classifyHTTP("getting "+what, resp)
	}
	var b CircleBuild
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&b); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", what, err)
	}
	return &b, nil
}

// AsJob describes the build in the provider-neutral shape. name is used when the build does not
// say its job name (old builds); it usually comes from the status context "ci/circleci: NAME".
func (b *CircleBuild) AsJob(repo, name string) *Job {
	j := &Job{Provider: ident.ProviderCircleCI, ExternalID: strconv.Itoa(b.BuildNum), Attempt: 1, Repo: repo,
		SHA: b.VCSRevision, Branch: b.Branch, Name: name, Conclusion: circleConclusion(b), URL: b.BuildURL}
	switch {
	case b.Workflows != nil && b.Workflows.JobName != "":
		j.Name = b.Workflows.JobName
	case b.JobName != "":
		j.Name = b.JobName
	}
	if b.StartTime != nil {
		j.Started = *b.StartTime
	}
	if b.StopTime != nil {
		j.Completed = *b.StopTime
	}
	for i, s := range b.Steps {
		failed := false
		for _, a := range s.Actions {
			failed = failed || a.failed()
		}
		j.Steps = append(j.Steps, Step{Number: i + 1, Name: s.Name, Failed: failed})
	}
	return j
}

func circleConclusion(b *CircleBuild) string {
	switch s := b.Outcome; s {
	case "success", "fixed":
		return "success"
	case "failed", "infrastructure_fail":
		return "failure"
	case "timedout":
		return "timed_out"
	case "canceled":
		return "cancelled"
	case "":
		return b.Status
	default:
		return s
	}
}

// FailedOutput streams the text of every failed action's output, each framed by
// "##[group]STEP" / "##[endgroup]" lines so that the normaliser attributes lines to their step.
// Actions without output are skipped; if no failed action has output the error is Unavailable.
func (c *CircleCI) FailedOutput(ctx context.Context, b *CircleBuild) (io.ReadCloser, error) {
	type part struct{ name, url string }
	var parts []part
	for _, s := range b.Steps {
		for _, a := range s.Actions {
			if !a.failed() || a.OutputURL == "" {
				continue
			}
			name := s.Name
			if b.Parallel > 1 {
				name = fmt.Sprintf("%s (container %d)", s.Name, a.Index)
			}
			parts = append(parts, part{name, a.OutputURL})
		}
	}
	if len(parts) == 0 {
		return nil, &UnavailableError{Reason: fmt.Sprintf("CircleCI build #%d has no failed step with output", b.BuildNum)}
	}
	pr, pw := io.Pipe()
	go func() {
		var err error
		for _, p := range parts {
			if err = c.writeOutput(ctx, pw, p.name, p.url); err != nil {
				break
			}
		}
		pw.CloseWithError(err)
	}()
	return pr, nil
}

func (c *CircleCI) writeOutput(ctx context.Context, w io.Writer, step, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil || !c.Hosts.Allows(u) {
		return fmt.Errorf("CircleCI output of step %q at %q: %w", step, rawURL, ErrHostNotAllowed)
	}
	body, err := openURL(ctx, c.Logs, rawURL, fmt.Sprintf("CircleCI output of step %q", step))
	if err != nil {
		return err
	}
	defer body.Close()
	if _, err := fmt.Fprintf(w, "##[group]%s\n", strings.ReplaceAll(step, "\n", " ")); err != nil {
		return err
	}
	if err := WriteCircleOutputText(w, body); err != nil {
		return fmt.Errorf("CircleCI output of step %q: %w", step, err)
	}
	_, err = io.WriteString(w, "\n##[endgroup]\n")
	return err
}

// WriteCircleOutputText decodes a v1.1 output body ([{"message","time","type"}, …]) as a stream
// and writes the messages' text, so a large output is never held in memory as one document.
func WriteCircleOutputText(w io.Writer, body io.Reader) error {
	dec := json.NewDecoder(body)
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("step output is not JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return errors.New("step output is not a JSON array of {message, time, type}")
	}
	for dec.More() {
		var seg struct {
			Message string `json:"message"`
		}
		if err := dec.Decode(&seg); err != nil {
			return fmt.Errorf("step output segment: %w", err)
		}
		if _, err := io.WriteString(w, seg.Message); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("step output: unterminated array: %w", err)
	}
	return nil
}
