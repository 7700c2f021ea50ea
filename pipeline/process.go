package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v89/github"
	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// processWorker records one CI job, fetches, stores and scans its log when it failed, and queues
// the commit's triage.
type processWorker struct {
	river.WorkerDefaults[ProcessJobArgs]
	p *pipeline
}

// Work implements river.Worker.
func (w *processWorker) Work(ctx context.Context, job *river.Job[ProcessJobArgs]) error {
	a := job.Args
	l := zerolog.Ctx(ctx).With().Str("repo", a.Repo).Str("sha", a.SHA).Str("provider", string(a.Provider)).
		Int64("job_id", a.JobID).Str("job", a.JobName).Logger()
	ctx = l.WithContext(ctx)
	return jobResult(ctx, w.p.process(ctx, a))
}

// fetched is a provider's job with a way to open its log.
type fetched struct {
	job     ciprovider.Job
	openLog func(context.Context) (io.ReadCloser, error)
	// reason, when set, says why the log cannot be read at all.
	reason string
}

func (p *pipeline) process(ctx context.Context, a ProcessJobArgs) error {
	gr, err := ident.ParseRepo(a.Repo)
	if err != nil {
		return river.JobCancel(err)
	}
	repo, err := p.repository(ctx, a.Repo, a.InstallationID)
	if err != nil {
		return err
	}
	gh, err := p.GitHub.NewInstallationClient(a.InstallationID)
	if err != nil {
		return fmt.Errorf("GitHub client for installation %d: %w", a.InstallationID, err)
	}
	f, err := p.fetchJob(ctx, gh, a, gr)
	if err != nil {
		return err
	}
	j, err := p.Store.UpsertJob(ctx, ingest.Job(repo.ID, &f.job))
	if err != nil {
		return fmt.Errorf("recording job %q of %s: %w", f.job.Name, a.SHA, err)
	}
	var pass *scan.Pass // the one read of a log downloaded now
	if triage.Conclusion(j.Conclusion).Failed() && j.LogState != store.LogStored && f.openLog != nil {
		// The patterns (the repository's own and the built-in packs) must be in the store before
		// its log is read, since the read that stores it scans it too.
		if err := p.patternsReady(ctx, gh, repo.ID, a.Repo); err != nil {
			return err
		}
		pass = scan.NewPass(p.matchers, strconv.FormatInt(repo.ID, 10), j.Name)
		if j, err = p.fetchLog(ctx, j, f, pass); err != nil {
			return err
		}
	} else if triage.Conclusion(j.Conclusion).Failed() && j.LogState != store.LogStored {
		if err := p.noLog(ctx, j, f.reason); err != nil {
			return err
		}
	} else if j.LogID != nil && j.LogState == store.LogStored {
		// Stored by an earlier delivery or attempt of this job (one that may have stopped before
		// its scan): the stored log is scanned for what is still pending, if anything.
		if err := p.patternsReady(ctx, gh, repo.ID, a.Repo); err != nil {
			return err
		}
	}
	if j.LogID != nil && j.LogState == store.LogStored {
		if err := p.scanJobLog(ctx, j, pass); err != nil {
			return err
		}
		if err := p.recordTests(ctx, gh, a, j, pass); err != nil {
			return err
		}
	}
	if err := p.expireAfterPass(ctx, gh, a, repo, j); err != nil {
		return err
	}
	return p.enqueueTriage(ctx, a.InstallationID, a.Repo, a.SHA)
}

// repository returns the stored repository, creating it on first sight.
func (p *pipeline) repository(ctx context.Context, fullName string, installationID int64) (store.Repository, error) {
	r, err := p.Store.Repository(ctx, fullName)
	if err == nil {
		return r, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return r, fmt.Errorf("looking up repository %s: %w", fullName, err)
	}
	inst := installationID
	// The job's arguments do not carry the visibility: private until an event reports it.
	r, err = p.Store.UpsertRepository(ctx, store.Repository{FullName: fullName, InstallationID: &inst, Active: true, Private: true})
	if err != nil {
		// The installation event that records the installation may not have been handled yet;
		// the repository is recorded without it and linked when that event arrives.
		r, err = p.Store.UpsertRepository(ctx, store.Repository{FullName: fullName, Active: true, Private: true})
	}
	if err != nil {
		return r, fmt.Errorf("recording repository %s: %w", fullName, err)
	}
	return r, nil
}

// fetchJob asks the job's provider for its metadata. A job the provider no longer knows is
// recorded from the event alone, with the reason its log is unavailable.
func (p *pipeline) fetchJob(ctx context.Context, gh *github.Client, a ProcessJobArgs, repo ident.Repo) (fetched, error) {
	fromEvent := ciprovider.Job{Provider: a.Provider, ExternalID: fmt.Sprintf("%s@%s", a.JobName, a.SHA), Attempt: 1, Repo: a.Repo,
		SHA: a.SHA, Branch: a.Branch, Name: a.JobName, Conclusion: a.Conclusion, URL: a.TargetURL}
	switch a.Provider {
	case ident.ProviderGitHubActions:
		gha := &ciprovider.GitHubActions{API: gh, Logs: p.logs, Hosts: p.LogHosts}
		fromEvent.ExternalID = fmt.Sprint(a.JobID)
		cj, err := gha.Job(ctx, repo.Owner, repo.Name, a.JobID)
		if ciprovider.IsUnavailable(err) {
			return fetched{job: fromEvent, reason: err.Error()}, nil
		}
		if err != nil {
			return fetched{}, err
		}
		cj.SHA = a.SHA
		if cj.Conclusion == "" {
			cj.Conclusion = a.Conclusion
		}
		return fetched{job: *cj, openLog: func(ctx context.Context) (io.ReadCloser, error) {
			return gha.OpenLog(ctx, repo.Owner, repo.Name, a.JobID)
		}}, nil
	case ident.ProviderCircleCI:
		// The target URL is the status author's to choose: it must name this repository's build,
		// checked before the operator's token is used on it, and the build must be of this commit.
		t, err := ciprovider.CircleSite{ServerAPI: p.CircleCI.BaseURL}.ForRepo(a.TargetURL, repo)
		if err != nil {
			return fetched{job: fromEvent, reason: "log not available: " + err.Error()}, nil
		}
		c := p.circleCI()
		b, err := c.Build(ctx, t)
		if ciprovider.IsUnavailable(err) {
			return fetched{job: fromEvent, reason: err.Error()}, nil
		}
		if err != nil {
			return fetched{}, err
		}
		if err := b.CheckBuild(repo, a.SHA); err != nil {
			return fetched{job: fromEvent, reason: "log not available: " + err.Error()}, nil
		}
		cj := b.AsJob(a.Repo, circleJobName(a.JobName))
		// Build numbers are per project: the external id names the project too.
		cj.ExternalID = t.ExternalID()
		cj.SHA = a.SHA
		if a.Conclusion != "" && cj.Conclusion == "" {
			cj.Conclusion = a.Conclusion
		}
		return fetched{job: *cj, openLog: func(ctx context.Context) (io.ReadCloser, error) {
			return c.FailedOutput(ctx, b)
		}}, nil
	default:
		fromEvent.Provider = ident.StatusProvider(a.JobName)
		return fetched{job: fromEvent, reason: fmt.Sprintf("log not available: totto cannot read logs of %q", a.JobName)}, nil
	}
}

// circleJobName strips CircleCI's status-context prefix ("ci/circleci: build" → "build").
func circleJobName(context string) string {
	if _, n, ok := strings.Cut(context, ": "); ok {
		return n
	}
	return context
}

// fetchLog downloads, stores (read once by pass) and links a failed job's log, or records why
// there is none, and returns the job as it now stands.
func (p *pipeline) fetchLog(ctx context.Context, j store.Job, f fetched, pass *scan.Pass) (store.Job, error) {
	start := time.Now()
	rc, err := f.openLog(ctx)
	if ciprovider.IsUnavailable(err) || errors.Is(err, ciprovider.ErrHostNotAllowed) {
		// A log on a host totto may not reach will never become reachable: say so now rather
		// than retrying until the job is dropped without a verdict.
		return j, p.noLog(ctx, j, err.Error())
	}
	if err != nil {
		return j, err
	}
	defer rc.Close()
	counted := &countingReader{r: rc}
	l, err := ingest.StoreLogReading(ctx, p.Store, p.Blobs, counted, p.MaxLogBytes, pass.Read)
	p.countDownload(counted.n, time.Since(start))
	if ciprovider.IsUnavailable(err) || errors.Is(err, ciprovider.ErrHostNotAllowed) || errors.Is(err, ingest.ErrBinary) {
		// A binary download is refused, not retried: it would be binary again.
		return j, p.noLog(ctx, j, err.Error())
	}
	if err != nil {
		return j, fmt.Errorf("log of job %q: %w", j.Name, err)
	}
	if err := ingest.Link(ctx, p.Store, j.ID, l); err != nil {
		return j, err
	}
	j.LogID, j.LogState, j.LogReason = &l.ID, store.LogStored, ""
	zerolog.Ctx(ctx).Info().Int64("log", l.ID).Int64("bytes", l.RawSize).Bool("truncated", l.Truncated).Msg("log stored")
	return j, nil
}

func (p *pipeline) noLog(ctx context.Context, j store.Job, reason string) error {
	if err := ingest.NoLog(ctx, p.Store, j.ID, reason); err != nil {
		return err
	}
	zerolog.Ctx(ctx).Info().Str("reason", reason).Msg("log unavailable")
	return nil
}
