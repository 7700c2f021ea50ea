package pipeline

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/google/go-github/v89/github"
	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ciprovider"
)

// minSnooze is the shortest wait after a rate limit, so a reset time already in the past (clock
// skew) does not turn into a tight loop.
const minSnooze = time.Second

// jobResult turns a worker's error into what River should do with the job:
//   - a rate limit (GitHub primary or secondary, CircleCI 429) snoozes the job until the limit
//     resets, so the worker waits instead of spending attempts hammering the API;
//   - GitHub rejecting the App's credentials (401) snoozes the job for AuthSnooze: only an
//     operator can fix them, and retrying at backoff would discard the job within the hour;
//   - a request GitHub or a provider refused for good (4xx other than rate limits) cancels the
//     job, since trying again cannot succeed;
//   - anything else (timeouts, 5xx, database hiccups) is returned, and River retries it with
//     backoff up to the job's maximum attempts.
func jobResult(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	log := zerolog.Ctx(ctx)
	if ok, after := ciprovider.RetryAfter(err); ok {
		if after > 0 || isRateLimit(err) {
			after = max(after, minSnooze)
			log.Warn().Err(err).Dur("snooze", after).Msg("rate limited; snoozing job until the limit resets")
			return river.JobSnooze(after)
		}
		log.Warn().Err(err).Msg("transient failure; job will be retried")
		return err
	}
	switch st := authStatus(err); {
	case st == http.StatusUnauthorized:
		log.Error().Err(err).Dur("snooze", AuthSnooze).
			Msg("GitHub rejected the App's credentials (401): check github.app_id and github.private_key (`totto check` tests them); job waits")
		return river.JobSnooze(AuthSnooze)
	case st >= 400 && st < 500 && st != http.StatusTooManyRequests:
		// 403: the installation is suspended; 404: it was removed. Neither passes by retrying.
		log.Error().Err(err).Int("status", st).Msg("GitHub refused an installation token; job cancelled")
		return river.JobCancel(err)
	}
	var ge *github.ErrorResponse
	if errors.As(err, &ge) && ge.Response != nil && ge.Response.StatusCode >= 400 && ge.Response.StatusCode < 500 &&
		ge.Response.StatusCode != http.StatusTooManyRequests && ge.Response.StatusCode != http.StatusRequestTimeout {
		log.Error().Err(err).Msg("request refused by GitHub; job cancelled")
		return river.JobCancel(err)
	}
	log.Warn().Err(err).Msg("job failed; will be retried")
	return err
}

func isRateLimit(err error) bool {
	var rl *github.RateLimitError
	var ab *github.AbuseRateLimitError
	return errors.As(err, &rl) || errors.As(err, &ab)
}
