package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // postgres:// queue databases
	_ "modernc.org/sqlite"             // sqlite: queue databases
)

// fakeState is the part of fakegh's /_admin/state the verifier reads.
type fakeState struct {
	CheckRuns []struct {
		Repo       string `json:"repo"`
		ID         int64  `json:"id"`
		SHA        string `json:"sha"`
		Name       string `json:"name"`
		Status     string `json:"status"`
		Conclusion string `json:"conclusion"`
		Title      string `json:"title"`
		Writes     int    `json:"writes"`
	} `json:"check_runs"`
	Comments   int            `json:"comments"`
	Requests   int            `json:"requests"`
	Violations []string       `json:"violations"`
	Injected   map[string]int `json:"injected"`
}

// verdict is how far the pipeline got with the expected work.
type verdict struct {
	Done, Missing, Wrong, Duplicates, Unexpected int
	Comments, WantComments                       int
	Pending                                      int // unfinished queue jobs (-1: not checked)
	Violations                                   int
	Sample                                       string
	Injected                                     map[string]int
	CheckRunWrites                               int
}

func (v verdict) complete() bool {
	// Extra replies (a command re-run after a crash or a lost answer between its reply and its
	// completion) are reported but tolerated: docs/reliability.md lists them as a known limit.
	return v.Missing == 0 && v.Wrong == 0 && v.Duplicates == 0 && v.Unexpected == 0 && v.Comments >= v.WantComments &&
		v.Pending <= 0 && v.Violations == 0
}

func (v verdict) String() string {
	extra := ""
	if v.Comments > v.WantComments {
		extra = fmt.Sprintf(" (%d duplicate replies: known limit)", v.Comments-v.WantComments)
	}
	return fmt.Sprintf("check runs right %d, missing %d, wrong %d, duplicate %d, unexpected %d; replies %d/%d%s; queue pending %d; API violations %d; check-run writes %d%s",
		v.Done, v.Missing, v.Wrong, v.Duplicates, v.Unexpected, v.Comments, v.WantComments, extra, v.Pending, v.Violations, v.CheckRunWrites, v.Sample)
}

func readState(ctx context.Context, fake string) (fakeState, error) {
	var st fakeState
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fake+"/_admin/state", nil)
	if err != nil {
		return st, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return st, fmt.Errorf("read the fake's state at %s: %w", fake, err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		return st, fmt.Errorf("decode the fake's state: %w", err)
	}
	return st, nil
}

// judge compares the fake's check runs and replies with what was sent: every commit exactly one
// completed "totto" check run counting all its failed jobs, nothing else.
func judge(st fakeState, exp Expect) verdict {
	v := verdict{WantComments: exp.Commands, Comments: st.Comments, Pending: -1, Violations: len(st.Violations), Injected: st.Injected}
	type key struct{ repo, sha string }
	runs := map[key]int{}
	right := map[key]bool{}
	want := map[key]Commit{}
	for _, c := range exp.Commits {
		want[key{c.Repo, c.SHA}] = c
	}
	for _, cr := range st.CheckRuns {
		k := key{cr.Repo, cr.SHA}
		v.CheckRunWrites += cr.Writes
		c, ok := want[k]
		if !ok || cr.Name != "totto" {
			v.Unexpected++
			continue
		}
		runs[k]++
		if cr.Status == "completed" && strings.Contains(cr.Title, fmt.Sprintf(" of %d failure", c.FailedJobs)) {
			right[k] = true
		} else if v.Sample == "" {
			v.Sample = fmt.Sprintf("; e.g. %s@%s: %s %q", cr.Repo, cr.SHA[:8], cr.Status, cr.Title)
		}
	}
	for k := range want {
		switch n := runs[k]; {
		case n == 0:
			v.Missing++
		case n > 1:
			v.Duplicates++
		case !right[k]:
			v.Wrong++
		default:
			v.Done++
		}
	}
	if len(st.Violations) > 0 {
		v.Sample += "; violation: " + st.Violations[0]
	}
	return v
}

// pendingJobs counts the queue's unfinished jobs in the App's database.
func pendingJobs(ctx context.Context, dbURL string) (int, error) {
	driver, dsn := "pgx", withoutPoolParams(dbURL)
	if path, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
		driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&mode=ro"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", dbURL, err)
	}
	defer db.Close()
	var n int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count unfinished queue jobs in %s: %w", dbURL, err)
	}
	return n, nil
}

// withoutPoolParams drops pgxpool's settings (pool_max_conns, …), which a plain connection would
// send to the server as unknown parameters.
func withoutPoolParams(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return dbURL
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// waitProcessed polls the fake (and the queue, with dbURL) until everything sent is processed or
// the deadline passes; it returns the last verdict and how long the drain took.
func waitProcessed(ctx context.Context, fake, dbURL string, exp Expect, deadline time.Duration, progress func(verdict)) (verdict, time.Duration, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	lastReport := time.Now()
	var idle struct {
		since time.Time
		v     string
	}
	var v verdict
	for {
		// While the queue is busy, count its jobs (one indexed query) and read the fake's state
		// (every check run and reply, large after a long run) only for the progress report:
		// reading it twice a second took more CPU than totto during a long drain.
		pending := -1
		if dbURL != "" {
			pending = 1 << 30 // unknown until the database answers
			if n, perr := pendingJobs(ctx, dbURL); perr == nil {
				pending = n
			}
		}
		report := time.Since(lastReport) > 10*time.Second
		if pending <= 0 || report {
			st, err := readState(ctx, fake)
			if err != nil && ctx.Err() == nil {
				return verdict{}, time.Since(start), err
			}
			v = judge(st, exp)
			if pending >= 0 && err == nil {
				v.Pending = pending
			}
			if v.complete() || v.Duplicates > 0 || v.Unexpected > 0 || v.Violations > 0 {
				return v, time.Since(start), nil
			}
			// With the queue empty and nothing changing for 30 s, nothing more will happen.
			if v.Pending == 0 {
				if s := v.String(); s != idle.v || idle.since.IsZero() {
					idle.since, idle.v = time.Now(), s
				} else if time.Since(idle.since) > 30*time.Second {
					return v, time.Since(start), nil
				}
			}
			if report {
				progress(v)
				lastReport = time.Now()
			}
		}
		select {
		case <-ctx.Done():
			return v, time.Since(start), nil
		case <-tick.C:
		}
	}
}
