package pipeline

import (
	"errors"
	"net/http"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v89/github"
)

// AuthSnooze is how long a job waits after GitHub rejected the App's credentials (401). Retrying
// at River's backoff would spend every attempt within the hour and then drop the job; the
// credentials only change when an operator fixes them, so the job waits at a steady pace instead
// and resumes once they work (`totto check` and /readyz name the problem).
const AuthSnooze = 5 * time.Minute

// authStatus returns the HTTP status of an error GitHub answered while authenticating: minting the
// installation token (ghinstallation) or a call answered 401. 0 when err is not one.
func authStatus(err error) int {
	var he *ghinstallation.HTTPError
	if errors.As(err, &he) && he.Response != nil {
		return he.Response.StatusCode
	}
	var ge *github.ErrorResponse
	if errors.As(err, &ge) && ge.Response != nil && ge.Response.StatusCode == http.StatusUnauthorized {
		return http.StatusUnauthorized
	}
	return 0
}
