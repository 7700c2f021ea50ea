package storetest

import (
	"encoding/json"
	"fmt"
	"iter"
	"math/rand/v2"
	"time"
)

// GenVersion changes whenever Generate's output or the schema it is loaded into changes, so
// cached benchmark databases built by an older generator or migration are not reused.
const GenVersion = 8

// GenConfig sizes a generated history. The defaults are the insights latency budget's scale.
type GenConfig struct {
	Seed     uint64
	Repos    int
	Patterns int
	Jobs     int // CI job runs
	Matches  int // approximate total matches
	Days     int // history length, ending at GenEnd
}

// DefaultGen is the scale the insights queries are benchmarked at: 1 M matches over 100 k jobs.
var DefaultGen = GenConfig{Seed: 1, Repos: 10, Patterns: 200, Jobs: 100_000, Matches: 1_000_000, Days: 180}

// GenEnd is when generated history ends (fixed, so the data set does not depend on the clock).
var GenEnd = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Key names a generated data set for caching: same key, same rows.
func (c GenConfig) Key() string {
	return fmt.Sprintf("v%d_s%d_r%d_p%d_j%d_m%d_d%d", GenVersion, c.Seed, c.Repos, c.Patterns, c.Jobs, c.Matches, c.Days)
}

// Table is one table's generated rows, in the column order of Columns, ready for COPY or a
// batched INSERT. Rows are produced on the fly, so a million matches never sit in memory.
type Table struct {
	Name    string
	Columns []string
	Rows    iter.Seq[[]any]
}

// Generated is a deterministic history with realistic skew: a few repositories, branches and
// jobs take most of the traffic, a quarter of jobs fail, most failures match a handful of
// popular patterns (Zipf), one in five failed logs matches nothing, some successful jobs have
// logs with matches too (how over-broad patterns show up), and one failure in twenty is rerun.
type Generated struct {
	Config GenConfig
	// Tables in load order (parents before children; jobs before matches).
	Tables []Table
	// Probes are real keys from the data for benchmarks to query.
	Probes GenProbes
}

// GenProbes are keys benchmarks query with.
type GenProbes struct {
	TopPatternID  int64  // the most matched pattern
	TailPatternID int64  // a rarely matched one
	Tag           string // a tag carried by many patterns
	RepoID        int64  // the busiest repository
	Branch        string // its main branch
	JobName       string // a common job name
	SHA           string // a commit of RepoID on Branch inside annotated ranges
	FailedJobID   int64  // a failed job of RepoID with a stored log, a cause line and failing tests
	ShapeKey      string // the shape key of the most common likely cause
}

var genJobNames = []string{"build", "test (1/4)", "test (2/4)", "test (3/4)", "test (4/4)", "lint", "typecheck",
	"integration", "e2e", "docs", "build (windows)", "build (macos)", "coverage", "release-dry-run", "bench"}

// generated job, kept small: only what later tables need.
type genJob struct {
	id, repo, logID int64
	attempt         int
	sha, branch     string
	name, concl     string
	at              time.Time
}

// Generate builds the data set described by c. The same config always yields the same rows.
func Generate(c GenConfig) *Generated {
	rng := rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15))
	start := GenEnd.Add(-time.Duration(c.Days) * 24 * time.Hour)
	span := GenEnd.Sub(start)

	// Jobs, grouped by commit: a commit runs a subset of job names on one branch of one repo.
	repoZipf := rand.NewZipf(rng, 1.3, 1, uint64(c.Repos-1))
	var jobs []genJob
	commitsByRepoMain := map[int64][]string{}
	logs := int64(0)
	seq := 0
	for len(jobs) < c.Jobs {
		seq++
		repo := int64(repoZipf.Uint64()) + 1
		branch := "main"
		if rng.IntN(10) >= 6 {
			branch = fmt.Sprintf("feature-%d", rng.IntN(200))
		}
		sha := fmt.Sprintf("%040x", uint64(seq)*0x9e3779b97f4a7c15)
		at := start.Add(time.Duration(float64(span) * float64(len(jobs)) / float64(c.Jobs)))
		if branch == "main" {
			commitsByRepoMain[repo] = append(commitsByRepoMain[repo], sha)
		}
		n := 5 + rng.IntN(len(genJobNames)-5)
		for k := 0; k < n && len(jobs) < c.Jobs; k++ {
			j := genJob{id: int64(len(jobs) + 1), repo: repo, sha: sha, branch: branch, name: genJobNames[k], attempt: 1,
				at: at.Add(time.Duration(5+rng.IntN(40)) * time.Minute)}
			switch r := rng.IntN(100); {
			case r < 25:
				j.concl = "failure"
			case r < 28:
				j.concl = "cancelled"
			default:
				j.concl = "success"
			}
			if j.concl == "failure" || (j.concl == "success" && rng.IntN(100) < 3) {
				if j.concl == "failure" && logs > 0 && rng.IntN(100) < 2 {
					j.logID = logs // identical log content as the previous failure: stored once
				} else {
					logs++
					j.logID = logs
				}
			}
			jobs = append(jobs, j)
			// One failure in twenty is run again: a second attempt that passes (a flake the
			// rerun confirms) or fails again with a log of its own, as pattern precision counts.
			if j.concl == "failure" && len(jobs) < c.Jobs && rng.IntN(20) == 0 {
				r := j
				r.id, r.attempt, r.at, r.concl, r.logID = int64(len(jobs)+1), 2, j.at.Add(15*time.Minute), "success", 0
				if rng.IntN(10) < 3 {
					logs++
					r.concl, r.logID = "failure", logs
				}
				jobs = append(jobs, r)
			}
		}
	}

	// Matches per log: one failed log in five matches nothing; the rest share the total.
	matchesPerLog := make([]int, logs+1)
	matchedLogs := 0
	for id := int64(1); id <= logs; id++ {
		if rng.IntN(5) > 0 {
			matchedLogs++
			matchesPerLog[id] = -1
		}
	}
	mean := max(1, c.Matches/max(1, matchedLogs))
	for id := int64(1); id <= logs; id++ {
		if matchesPerLog[id] < 0 {
			matchesPerLog[id] = 1 + rng.IntN(2*mean-1)
		}
	}
	logSeed := rng.Uint64()

	g := &Generated{Config: c}
	g.Probes = GenProbes{TopPatternID: 1, TailPatternID: int64(c.Patterns - 1), Tag: "flaky", RepoID: 1, Branch: "main", JobName: "build"}
	mainCommits := commitsByRepoMain[1]
	if len(mainCommits) > 0 {
		g.Probes.SHA = mainCommits[len(mainCommits)*3/4]
	}
	g.Probes.ShapeKey = genShapeKey(0)
	for i := len(jobs) - 1; i >= 0; i-- {
		if j := jobs[i]; j.repo == 1 && j.concl == "failure" && j.logID != 0 && genRunsTests(j.name) {
			g.Probes.FailedJobID = j.id
			break
		}
	}
	ts := func(t time.Time) time.Time { return t.UTC() }
	g.Tables = []Table{
		{Name: "repositories", Columns: []string{"id", "full_name", "owner", "active", "created_at"},
			Rows: func(yield func([]any) bool) {
				for i := 1; i <= c.Repos; i++ {
					if !yield([]any{int64(i), fmt.Sprintf("gen-org/repo-%02d", i), "gen-org", true, ts(start)}) {
						return
					}
				}
			}},
		{Name: "patterns", Columns: []string{"id", "name", "kind", "expression", "description", "tags", "jobs", "steps",
			"priority", "last_lines", "source", "author", "created_at", "updated_at"},
			Rows: func(yield func([]any) bool) {
				for i := 1; i <= c.Patterns; i++ {
					tags, _ := json.Marshal(genTags(i))
					if !yield([]any{int64(i), fmt.Sprintf("pattern %03d", i), "literal", fmt.Sprintf("failure signature %03d", i),
						"", string(tags), "[]", "[]", int64(i % 7), int64(0), "gen", "gen", ts(start), ts(start)}) {
						return
					}
				}
			}},
		{Name: "pattern_tags", Columns: []string{"pattern_id", "tag"},
			Rows: func(yield func([]any) bool) {
				for i := 1; i <= c.Patterns; i++ {
					for _, tag := range genTags(i) {
						if !yield([]any{int64(i), tag}) {
							return
						}
					}
				}
			}},
		{Name: "logs", Columns: []string{"id", "sha256", "raw_size", "lines", "truncated", "storage_key", "scanned_through", "created_at"},
			Rows: func(yield func([]any) bool) {
				for id := int64(1); id <= logs; id++ {
					key := fmt.Sprintf("%064x", uint64(id)*0x9e3779b97f4a7c15)
					if !yield([]any{id, key, int64(20_000 + id%50_000), int64(2000), false, key, int64(c.Patterns), ts(start)}) {
						return
					}
				}
			}},
		{Name: "jobs", Columns: []string{"id", "provider", "external_id", "attempt", "repo_id", "sha", "branch", "name",
			"step", "conclusion", "started_at", "completed_at", "url", "log_id", "log_state", "log_reason", "created_at", "updated_at"},
			Rows: func(yield func([]any) bool) {
				for _, j := range jobs {
					var logID any
					state := "pending"
					if j.logID != 0 {
						logID, state = j.logID, "stored"
					} else if j.concl == "success" || j.concl == "cancelled" {
						state = "unavailable"
					}
					startedAt := ts(j.at.Add(-5 * time.Minute))
					if !yield([]any{j.id, "github-actions", fmt.Sprintf("%d", j.id), int64(j.attempt), j.repo, j.sha, j.branch,
						j.name, "", j.concl, startedAt, ts(j.at), "", logID, state, "", ts(j.at), ts(j.at)}) {
						return
					}
				}
			}},
		{Name: "matches", Columns: []string{"id", "pattern_id", "log_id", "line", "start_col", "end_col", "captures",
			"line_text", "truncated", "created_at"},
			Rows: func(yield func([]any) bool) {
				// Its own generator so the rows do not depend on how far other tables were read.
				mr := rand.New(rand.NewPCG(logSeed, logSeed+1))
				pz := rand.NewZipf(mr, 1.1, 2, uint64(c.Patterns-1))
				id := int64(0)
				logAt := make([]time.Time, logs+1)
				for _, j := range jobs {
					if j.logID != 0 && logAt[j.logID].IsZero() {
						logAt[j.logID] = j.at
					}
				}
				var chosen []int64
				for logID := int64(1); logID <= logs; logID++ {
					// A log matches a few distinct patterns (mostly one to three), each on many lines.
					chosen = chosen[:0]
					for k := 1 + min(mr.IntN(4), mr.IntN(6)); len(chosen) < k; {
						chosen = append(chosen, int64(pz.Uint64())+1)
					}
					line := 0
					for range matchesPerLog[logID] {
						id++
						line += 1 + mr.IntN(40)
						p := chosen[min(mr.IntN(len(chosen)), mr.IntN(len(chosen)))]
						if !yield([]any{id, p, logID, int64(line), int64(0), int64(24),
							"[]", fmt.Sprintf("failure signature %03d: step failed at line %d", p, line), false,
							ts(logAt[logID].Add(time.Minute))}) {
							return
						}
					}
				}
			}},
		{Name: "annotations", Columns: []string{"id", "repo_id", "job_glob", "from_sha", "to_sha", "reason", "created_by",
			"created_at", "closed_by", "closed_at"},
			Rows: func(yield func([]any) bool) {
				ar := rand.New(rand.NewPCG(c.Seed+7, c.Seed+11))
				id := int64(0)
				for repo := int64(1); repo <= int64(c.Repos); repo++ {
					cs := commitsByRepoMain[repo]
					if len(cs) < 4 {
						continue
					}
					for k := range 20 {
						id++
						from := ar.IntN(len(cs) - 2)
						to := from + 1 + ar.IntN(min(50, len(cs)-from-1))
						glob := genJobNames[ar.IntN(len(genJobNames))]
						if k%5 == 0 {
							glob = "test*"
						}
						var toSHA, closedAt any
						closedBy := ""
						if k%4 != 0 {
							toSHA, closedAt, closedBy = cs[to], ts(GenEnd), "gen"
						}
						if !yield([]any{id, repo, glob, cs[from], toSHA, "generated", "gen", ts(start), closedBy, closedAt}) {
							return
						}
					}
				}
			}},
		{Name: "log_cause_lines", Columns: []string{"log_id", "line"},
			Rows: func(yield func([]any) bool) {
				for c := range genCauses(c, jobs) {
					if !yield([]any{c.logID, c.text}) {
						return
					}
				}
			}},
		{Name: "log_cause_shapes", Columns: []string{"log_id", "shape_key", "line"},
			Rows: func(yield func([]any) bool) {
				for c := range genCauses(c, jobs) {
					if !yield([]any{c.logID, genShapeKey(c.shape), int64(c.line)}) {
						return
					}
				}
			}},
		{Name: "job_tests", Columns: []string{"job_id", "repo_id", "runner", "file", "name", "line", "text", "passed_in_log",
			"sha", "job_name", "pull_request", "default_branch", "ran_at"},
			Rows: func(yield func([]any) bool) { genJobTests(c, jobs, yield) }},
		{Name: "job_verdicts", Columns: []string{"job_id", "repo_id", "sha", "verdict", "explained", "decided_at"},
			Rows: func(yield func([]any) bool) {
				// Most failures a pattern matched are explained; the rest, and unmatched ones, are new.
				vr := rand.New(rand.NewPCG(c.Seed+19, c.Seed+23))
				explaining := []string{"flaky", "known-problem", "known-broken", "broken-upstream"}
				for _, j := range jobs {
					if j.concl != "failure" {
						continue
					}
					verdict := "new"
					if j.logID != 0 && matchesPerLog[j.logID] > 0 && vr.IntN(100) < 70 {
						verdict = explaining[min(vr.IntN(4), vr.IntN(4))]
					}
					if !yield([]any{j.id, j.repo, j.sha, verdict, verdict != "new", GenEnd.UnixNano()}) {
						return
					}
				}
			}},
	}
	return g
}

// genWords make the generated cause lines' shapes.
var genWords = []string{"cache", "widget", "socket", "schema", "fixture", "compiler", "linker", "mirror", "token",
	"quota", "runner", "volume", "module", "checksum", "plugin", "daemon", "session", "bucket", "index", "queue"}

// genTags gives pattern i its tags: a third are flaky, a fifth known problems, all carry an area.
func genTags(i int) []string {
	tags := []string{fmt.Sprintf("area-%d", i%8)}
	if i%3 == 0 {
		tags = append(tags, "flaky")
	}
	if i%5 == 0 {
		tags = append(tags, "known-problem")
	}
	return tags
}
