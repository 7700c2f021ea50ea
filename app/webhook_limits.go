package app

import (
	"context"
	"errors"
	"net/http"
	"time"

	"golang.org/x/sync/semaphore"
)

// unverifiedBodyBytes bounds the bytes of webhook bodies held in memory at once while their
// signature is unchecked: anyone can post, so without it 30 concurrent 24 MB posts cost 1.3 GB.
// GitHub's deliveries are small (a few KB to a few hundred KB), so the bound is only felt by a
// flood, which then waits and is answered 503.
const unverifiedBodyBytes = 64 << 20

// unverifiedWait is how long a delivery waits for room in the budget before being answered 503.
var unverifiedWait = 5 * time.Second

// bodyBudget reserves room for a body before any of it is read, and gives it back once the
// signature has been checked.
type bodyBudget struct {
	sem  *semaphore.Weighted
	max  int64
	wait time.Duration
}

func newBodyBudget(max int64) *bodyBudget {
	return &bodyBudget{sem: semaphore.NewWeighted(max), max: max, wait: unverifiedWait}
}

// errBudgetFull says the budget had no room within the wait.
var errBudgetFull = errors.New("too many webhook bytes in flight")

// reserve takes room for a body of the request's declared length (the largest allowed body when
// it declares none, as a chunked post may be that large). The returned func gives it back.
func (b *bodyBudget) reserve(r *http.Request, limit int64) (int64, func(), error) {
	n := limit
	if r.ContentLength >= 0 && r.ContentLength < limit {
		n = r.ContentLength
	}
	n = min(max(n, 1), b.max)
	ctx, cancel := context.WithTimeout(r.Context(), b.wait)
	defer cancel()
	if err := b.sem.Acquire(ctx, n); err != nil {
		return 0, nil, errBudgetFull
	}
	return n, func() { b.sem.Release(n) }, nil
}

// webhookEvents are the events totto subscribes to, GitHub's ping, and the other events an App
// commonly receives; metrics label every other X-GitHub-Event value (the header is the sender's
// to choose, checked before the signature) as "other", so unsigned requests cannot add label
// values without bound. TestWebhookEventsCoverHandlers keeps it in step with the handlers.
var webhookEvents = map[string]bool{
	"ping": true, "check_run": true, "status": true, "issue_comment": true, "commit_comment": true,
	"installation": true, "installation_repositories": true, "push": true,
	"check_suite": true, "pull_request": true, "pull_request_review": true, "pull_request_review_comment": true,
	"workflow_run": true, "workflow_job": true, "issues": true, "repository": true, "create": true, "delete": true,
	"installation_target": true, "github_app_authorization": true, "meta": true, "member": true,
	"membership": true, "organization": true, "release": true, "deployment": true, "deployment_status": true,
}

// eventLabel is the metrics label of an X-GitHub-Event value.
func eventLabel(event string) string {
	if webhookEvents[event] {
		return event
	}
	return "other"
}
