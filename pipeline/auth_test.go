package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/riverqueue/river/rivertype"
)

// tokenError is what a job sees when minting the installation token failed: ghinstallation's
// error inside the HTTP client's.
func tokenError(status int) error {
	he := &ghinstallation.HTTPError{Message: http.StatusText(status), Response: &http.Response{StatusCode: status}}
	return fmt.Errorf("getting job: %w", &url.Error{Op: "Get", URL: "https://api.github.com/x", Err: he})
}

// A 401 (bad key or App id) waits AuthSnooze instead of burning the job's attempts; a suspended
// or removed installation cancels; a 5xx minting the token is retried like any other.
func TestJobResultAuthFailures(t *testing.T) {
	var snooze *rivertype.JobSnoozeError
	if got := jobResult(context.Background(), tokenError(401)); !errors.As(got, &snooze) || snooze.Duration != AuthSnooze {
		t.Errorf("token 401: %v, want a %v snooze", got, AuthSnooze)
	}
	if got := jobResult(context.Background(), ghError(401, nil)); !errors.As(got, &snooze) || snooze.Duration != AuthSnooze {
		t.Errorf("API 401: %v, want a %v snooze", got, AuthSnooze)
	}
	var cancel *rivertype.JobCancelError
	for _, st := range []int{403, 404} {
		if got := jobResult(context.Background(), tokenError(st)); !errors.As(got, &cancel) {
			t.Errorf("token %d: %v, want cancel", st, got)
		}
	}
	if got := jobResult(context.Background(), tokenError(502)); errors.As(got, &cancel) || errors.As(got, &snooze) || got == nil {
		t.Errorf("token 502: %v, want a plain retry", got)
	}
}
