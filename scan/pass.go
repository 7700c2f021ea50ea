package scan

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store/blob"
	"github.com/totto-ci/totto/testlog"
)

// Pass reads a new log's lines once, while it is stored (its Read is the ingest.LineReader of
// ingest.StoreLogReading): it counts them, extracts the failing tests and, when the pattern set
// the log will be scanned with is known beforehand, finds its matches. Storing, scanning and
// recording the failing tests then cost one decompression and one split of the log instead of
// three. A Pass is for one log and one goroutine.
type Pass struct {
	cache   *MatcherCache
	tenant  string
	job     string
	ids     []int64 // the pattern set m was compiled for (nil: no scan in the pass)
	m       *patterns.Matcher
	tests   *testlog.Extractor
	matches []patterns.Match
	read    bool
}

// NewPass prepares the pass over a log of job (its name, for job-scoped patterns). tenant names
// whose patterns apply to the log (the App's repository): the pattern set last scanned for the
// same tenant is the guess the pass scans with, checked against the store's pending scan before
// its matches are recorded. A nil cache or an empty tenant scans nothing in the pass (Record
// then scans the stored log).
func NewPass(cache *MatcherCache, tenant, job string) *Pass {
	p := &Pass{cache: cache, tenant: tenant, job: job, tests: testlog.New()}
	if cache != nil && tenant != "" {
		if ids := cache.lastSet(tenant); ids != nil {
			if m := cache.get(matcherKey(ids)); m != nil {
				p.ids, p.m = ids, m
			}
		}
	}
	return p
}

// Read implements ingest.LineReader.
func (p *Pass) Read(lr *logs.Reader) (int, error) {
	p.read = true
	if p.m == nil {
		lines := 0
		for lr.Next() {
			ln := lr.Line()
			p.tests.Add(ln)
			lines = ln.Num
		}
		return lines, lr.Err()
	}
	st, err := p.m.Scan(lr, patterns.ScanOptions{Job: p.job, OnLine: p.tests.Add}, func(m patterns.Match) error {
		p.matches = append(p.matches, m)
		return nil
	})
	return st.Lines, err
}

// Tests is the failing-test extraction of the lines read.
func (p *Pass) Tests() testlog.Result { return p.tests.Result() }

// Record writes the scan of the stored log logID (now linked to its job): the pass's matches
// when the store's pending scan of the log is exactly the pattern set and job the pass scanned
// with (the watermark then moves exactly as Rescan would move it), else a Rescan of the stored
// content, whose pattern set becomes the tenant's guess for the next log.
func (p *Pass) Record(ctx context.Context, st Store, blobs blob.Store, logID int64) (RescanResult, error) {
	start := time.Now()
	ps, err := st.PendingScans(ctx, logID-1, 1)
	if err != nil {
		return RescanResult{}, fmt.Errorf("pending scan of log %d: %w", logID, err)
	}
	if len(ps) == 0 || ps[0].LogID != logID {
		return RescanResult{}, nil // scanned already (the same content stored before)
	}
	pending := ps[0]
	if len(pending.PatternIDs) == 0 { // only the watermark moves
		p.matches = nil
	} else if !p.read || p.m == nil || pending.JobName != p.job || !slices.Equal(pending.PatternIDs, p.ids) {
		res, err := Rescan(ctx, st, blobs, RescanOptions{LogID: logID, Workers: 1, Matchers: p.cache})
		if err == nil && p.cache != nil && p.tenant != "" && len(res.Failures) == 0 {
			p.cache.rememberSet(p.tenant, pending.PatternIDs)
		}
		return res, err
	}
	if _, err := st.RecordScan(ctx, pending, p.matches); err != nil {
		return RescanResult{}, fmt.Errorf("scan of log %d: %w", logID, err)
	}
	res := RescanResult{RescanProgress: RescanProgress{Done: 1, Total: 1, Bytes: pending.RawSize,
		Matches: int64(len(p.matches)), LogID: logID, Elapsed: time.Since(start)}}
	return res, nil
}
