package pipeline

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
	"github.com/riverqueue/river"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/metrics"
	"github.com/totto-ci/totto/queue"
	"github.com/totto-ci/totto/redact"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store/blob"
)

// DefaultTriageDelay is the debounce the App should configure: long enough for a burst of job
// events on one commit (a matrix finishing) to collapse into one check-run update, short enough
// that the developer sees the verdict within seconds.
const DefaultTriageDelay = 5 * time.Second

// DefaultMaxLogBytes is the log size kept when Deps.MaxLogBytes is zero: larger logs keep their
// last 64 MiB, where the failure almost always is.
const DefaultMaxLogBytes = 64 << 20

// DefaultRetriageCommits bounds how many recent commits with a check run a slash command
// re-triages when Deps.RetriageCommits is zero.
const DefaultRetriageCommits = 50

// CircleCIConfig says how to reach CircleCI's API v1.1; the zero value reaches circleci.com
// without a token (public projects).
type CircleCIConfig struct {
	BaseURL string // default https://circleci.com/api/v1.1; API v2 (re-runs) is its sibling …/api/v2
	// Token reads private projects; automatic re-runs need it to be a personal API token.
	Token string
	// API is the client for API calls; nil uses a client with a 30 s timeout.
	API *http.Client
}

// Deps are what the workers need from the App: the store and log store they write, a way to act
// as an installation on GitHub, and the knobs of the pipeline. Tests pass the same shapes pointed
// at fakes, so the production code paths are the tested ones.
type Deps struct {
	Store Store
	Blobs blob.Store
	// GitHub creates installation clients; the App passes its caching creator, tests one pointed
	// at a fake GitHub.
	GitHub githubapp.ClientCreator
	// AppID is totto's GitHub App id: only check runs this App created are adopted (another
	// App's check run named "totto" cannot be updated by totto).
	AppID int64
	// NoBuiltin (scan.builtin: false) turns the built-in packs off for every repository whose
	// .github/totto.yml does not say `builtin: true`.
	NoBuiltin bool
	// CircleCI reaches CircleCI for builds reported through commit statuses or check runs.
	CircleCI CircleCIConfig
	// PublicURL is where totto's UI is served; a check run's details_url is
	// PublicURL/repos/OWNER/REPO/commits/SHA.
	PublicURL string
	// LogHosts are the hosts log content may be downloaded from (nil: ciprovider.DefaultLogHosts).
	LogHosts ciprovider.HostList
	// LogTimeout bounds one log download (default 5 minutes).
	LogTimeout time.Duration
	// MaxLogBytes caps a stored log; a longer one keeps its tail and is marked truncated
	// (0: DefaultMaxLogBytes).
	MaxLogBytes int64
	// TriageDelay debounces check-run updates per commit; the App passes DefaultTriageDelay and
	// tests 0 (run as soon as a worker is free).
	TriageDelay time.Duration
	// RetriageCommits bounds the commits a slash command re-triages (0: DefaultRetriageCommits).
	RetriageCommits int
	// Metrics counts downloaded and scanned bytes and times into the App's collectors (nil: not
	// counted).
	Metrics *metrics.Metrics
	// Clock is the time source (nil: time.Now), for deterministic tests.
	Clock func() time.Time
	// Redactor hides secrets in the log text check runs quote (nil: the built-in rules); the
	// App passes the one the web UI uses too, with the operator's rules.
	Redactor *redact.Redactor
}

// pipeline is the shared state of the workers of one process.
type pipeline struct {
	Deps
	q    *queue.Queue
	logs *http.Client

	mu sync.Mutex
	// goodConfig is the last configuration of each repository that parsed without errors, used
	// while a broken one is in place (kept in memory; after a restart the repository's patterns
	// are still in the store, its job globs fall back to the defaults until the file is fixed).
	goodConfig map[string]RepoConfig
	// builtinsSynced is set once this process has merged the built-in packs into the store.
	builtinsSynced bool
	// defaultBranches caches each repository's default branch asked of GitHub, for job events
	// that did not carry it.
	defaultBranches map[string]cachedBranch
	// matchers keeps the compiled pattern sets between jobs (compiling them cost more than
	// scanning a typical log).
	matchers *scan.MatcherCache
}

// Register adds the pipeline's workers (process job, triage commit, slash command) to q. Call it
// before q.Start; handlers then enqueue ProcessJobArgs and CommandArgs.
func Register(q *queue.Queue, deps Deps) error {
	p, err := newPipeline(q, deps)
	if err != nil {
		return err
	}
	if err := queue.Register(q, river.Worker[ProcessJobArgs](&processWorker{p: p})); err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	if err := queue.Register(q, river.Worker[TriageCommitArgs](&triageWorker{p: p})); err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	if err := queue.Register(q, river.Worker[CommandArgs](&commandWorker{p: p})); err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	if err := queue.Register(q, river.Worker[retriageArgs](&retriageWorker{p: p})); err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	return nil
}

func newPipeline(q *queue.Queue, d Deps) (*pipeline, error) {
	var missing []string
	if d.Store == nil {
		missing = append(missing, "Store")
	}
	if d.Blobs == nil {
		missing = append(missing, "Blobs")
	}
	if d.GitHub == nil {
		missing = append(missing, "GitHub")
	}
	if q == nil {
		missing = append(missing, "queue")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("pipeline: missing %s", strings.Join(missing, ", "))
	}
	if d.LogHosts == nil {
		d.LogHosts = ciprovider.DefaultLogHosts
	}
	if d.LogTimeout <= 0 {
		d.LogTimeout = 5 * time.Minute
	}
	if d.MaxLogBytes <= 0 {
		d.MaxLogBytes = DefaultMaxLogBytes
	}
	if d.RetriageCommits <= 0 {
		d.RetriageCommits = DefaultRetriageCommits
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	if d.CircleCI.BaseURL == "" {
		d.CircleCI.BaseURL = "https://circleci.com/api/v1.1"
	}
	if d.CircleCI.API == nil {
		d.CircleCI.API = &http.Client{Timeout: 30 * time.Second}
	}
	d.PublicURL = strings.TrimRight(d.PublicURL, "/")
	return &pipeline{Deps: d, q: q, logs: ciprovider.LogHTTPClient(d.LogHosts, d.LogTimeout),
		goodConfig: map[string]RepoConfig{}, defaultBranches: map[string]cachedBranch{}, matchers: scan.NewMatcherCache()}, nil
}
