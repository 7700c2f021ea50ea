package scan

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
)

// Store is the part of the store a rescan uses.
type Store interface {
	// PendingScans and RecordScan are the incremental scan: what is left, and one log done.
	PendingScans(ctx context.Context, afterLogID int64, limit int) ([]store.PendingScan, error)
	RecordScan(ctx context.Context, p store.PendingScan, ms []patterns.Match) (bool, error)
	Patterns(ctx context.Context, f store.PatternFilter) ([]store.Pattern, error)
	Stats(ctx context.Context) (store.Stats, error)
}

// RescanOptions tune Rescan.
type RescanOptions struct {
	// Workers scan logs in parallel (default: the number of CPUs). Writes are one transaction
	// per log whatever the number.
	Workers int
	// Batch is how many pending logs one PendingScans query returns (default 500).
	Batch int
	// LogID restricts the rescan to one log (as `totto ingest` does after storing it).
	LogID int64
	// Progress, when set, is called after every log (serially), for progress displays and tests.
	Progress func(RescanProgress)
	// Matchers, when set, keeps compiled pattern sets across rescans. The pipeline rescans one
	// log per CI job, and compiling the patterns cost more than scanning the log; nil compiles
	// afresh for this rescan.
	Matchers *MatcherCache
}

// MatcherCache holds compiled matchers by the set of pattern ids they match, for reuse across
// rescans. An id names fixed matching behaviour: a change to a pattern's expression, kind, scope,
// last_lines, then or raw_marker retires it and adds a new id (see AddPatterns). What a cached matcher may hold
// stale (name, tags, priority) is not what RecordScan stores, which is the id, line and text.
type MatcherCache struct {
	mu sync.Mutex
	m  map[string]*patterns.Matcher
	// sets is the pattern set last scanned per tenant, the guess a Pass scans a new log with.
	sets map[string][]int64
}

// NewMatcherCache returns an empty cache.
func NewMatcherCache() *MatcherCache {
	return &MatcherCache{m: map[string]*patterns.Matcher{}, sets: map[string][]int64{}}
}

// maxTenantSets bounds the remembered pattern sets; a forgotten one costs one more read of a log.
const maxTenantSets = 1024

func (c *MatcherCache) lastSet(tenant string) []int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sets[tenant]
}

func (c *MatcherCache) rememberSet(tenant string, ids []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.sets) >= maxTenantSets {
		clear(c.sets)
	}
	c.sets[tenant] = slices.Clone(ids)
}

// matcherKey names a pattern set in the cache.
func matcherKey(ids []int64) string {
	var kb strings.Builder
	for _, id := range ids {
		kb.WriteString(strconv.FormatInt(id, 10))
		kb.WriteByte(',')
	}
	return kb.String()
}

// maxCachedMatchers bounds a cache; pattern sets differ only while a new pattern is being scanned
// in, so a handful are live at a time.
const maxCachedMatchers = 64

func (c *MatcherCache) get(key string) *patterns.Matcher {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

func (c *MatcherCache) put(key string, m *patterns.Matcher) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCachedMatchers {
		clear(c.m)
	}
	c.m[key] = m
}

// RescanProgress is the state of a running rescan.
type RescanProgress struct {
	Done, Failed int
	// Total is the number of logs pending when the rescan started (logs stored meanwhile may
	// make Done exceed it).
	Total   int64
	Bytes   int64 // raw bytes of the logs done
	Matches int64
	Elapsed time.Duration
	LogID   int64 // the log just finished
}

// LogFailure is a log that could not be scanned; its watermark is unchanged so a later rescan
// tries again.
type LogFailure struct {
	LogID int64
	Key   string
	Err   error
}

// RescanResult sums up a rescan.
type RescanResult struct {
	RescanProgress
	Failures []LogFailure
}

// Rescan scans every stored (log, active pattern) pair not scanned yet: each pending log is read
// once for all its missing patterns, and its matches and new watermark are written in one
// transaction, so an interrupted rescan resumes where it stopped with nothing lost or doubled.
// A log that cannot be read or decompressed is reported in the result and skipped; a database
// error stops the rescan and is returned.
func Rescan(ctx context.Context, st Store, blobs blob.Store, opts RescanOptions) (RescanResult, error) {
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.Batch <= 0 {
		opts.Batch = 500
	}
	if opts.Matchers == nil {
		opts.Matchers = NewMatcherCache()
	}
	r := &rescan{st: st, blobs: blobs, opts: opts, start: time.Now()}
	after, limit := int64(0), opts.Batch
	if opts.LogID != 0 {
		after, limit = opts.LogID-1, 1
	}
	first := true
	for {
		batch, err := st.PendingScans(ctx, after, limit)
		if err != nil {
			return r.result(), err
		}
		if opts.LogID != 0 && len(batch) == 1 && batch[0].LogID != opts.LogID {
			batch = nil
		}
		if len(batch) == 0 {
			return r.result(), nil
		}
		if first {
			first = false
			if err := r.begin(ctx, opts.LogID != 0 || len(batch) < limit, len(batch)); err != nil {
				return r.result(), err
			}
		}
		if err := r.run(ctx, batch); err != nil {
			return r.result(), err
		}
		after = batch[len(batch)-1].LogID
		if opts.LogID != 0 {
			return r.result(), nil
		}
	}
}

type rescan struct {
	st    Store
	blobs blob.Store
	opts  RescanOptions
	start time.Time

	mu       sync.Mutex
	prog     RescanProgress
	failures []LogFailure
	pats     map[int64]patterns.Pattern // loaded on the first matcher not in the cache
}

// begin sets the total: the first batch's size when it holds everything (or the one log asked
// for), else a count of every pending log.
func (r *rescan) begin(ctx context.Context, complete bool, n int) error {
	if complete {
		r.prog.Total = int64(n)
		return nil
	}
	stats, err := r.st.Stats(ctx)
	if err != nil {
		return err
	}
	r.prog.Total = stats.UnscannedLogs
	return nil
}

func (r *rescan) loadPatterns(ctx context.Context) error {
	ps, err := r.st.Patterns(ctx, store.PatternFilter{})
	if err != nil {
		return fmt.Errorf("rescan: %w", err)
	}
	r.pats = make(map[int64]patterns.Pattern, len(ps))
	for _, p := range ps {
		r.pats[p.ID] = p.Pattern
	}
	return nil
}

func (r *rescan) result() RescanResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.prog
	p.Elapsed = time.Since(r.start)
	return RescanResult{RescanProgress: p, Failures: slices.Clone(r.failures)}
}

// run scans one batch with the worker pool; the first database error cancels the rest.
func (r *rescan) run(ctx context.Context, batch []store.PendingScan) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan store.PendingScan)
	var wg sync.WaitGroup
	for range min(r.opts.Workers, len(batch)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				if err := r.one(ctx, p); err != nil {
					cancel(err)
				}
			}
		}()
	}
feed:
	for _, p := range batch {
		select {
		case work <- p:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

// one scans one log; it returns an error only for database failures.
func (r *rescan) one(ctx context.Context, p store.PendingScan) error {
	var ms []patterns.Match
	if len(p.PatternIDs) > 0 {
		m, err := r.matcher(ctx, p.PatternIDs)
		if err != nil {
			return err
		}
		ms, err = r.scanLog(ctx, m, p)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			zerolog.Ctx(ctx).Warn().Err(err).Int64("log", p.LogID).Msg("log not scanned")
			r.mu.Lock()
			r.failures = append(r.failures, LogFailure{LogID: p.LogID, Key: p.StorageKey, Err: err})
			r.prog.Failed++
			r.mu.Unlock()
			return nil
		}
	}
	if _, err := r.st.RecordScan(ctx, p, ms); err != nil {
		return fmt.Errorf("rescan log %d: %w", p.LogID, err)
	}
	r.mu.Lock()
	r.prog.Done++
	r.prog.Bytes += p.RawSize
	r.prog.Matches += int64(len(ms))
	r.prog.LogID = p.LogID
	r.prog.Elapsed = time.Since(r.start)
	prog := r.prog
	if r.opts.Progress != nil {
		r.opts.Progress(prog)
	}
	r.mu.Unlock()
	return nil
}

func (r *rescan) scanLog(ctx context.Context, m *patterns.Matcher, p store.PendingScan) ([]patterns.Match, error) {
	rc, err := r.blobs.Open(ctx, p.StorageKey)
	if err != nil {
		return nil, fmt.Errorf("log %d: %w", p.LogID, err)
	}
	defer rc.Close()
	var ms []patterns.Match
	lr := logs.NewReader(rc)
	defer lr.Release() // the matches hold copies of their lines
	_, err = m.Scan(lr, patterns.ScanOptions{Job: p.JobName}, func(m patterns.Match) error {
		ms = append(ms, m)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("log %d: %w", p.LogID, err)
	}
	return ms, nil
}

// matcher compiles (once) the matcher for one set of pattern ids; logs pending since the same
// pattern was added share it.
func (r *rescan) matcher(ctx context.Context, ids []int64) (*patterns.Matcher, error) {
	key := matcherKey(ids)
	if m := r.opts.Matchers.get(key); m != nil {
		return m, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if m := r.opts.Matchers.get(key); m != nil { // compiled by another worker meanwhile
		return m, nil
	}
	ps := make([]patterns.Pattern, 0, len(ids))
	for _, id := range ids {
		p, ok := r.pats[id]
		if !ok { // not loaded yet, or added while this rescan runs
			if err := r.loadPatterns(ctx); err != nil {
				return nil, err
			}
			if p, ok = r.pats[id]; !ok {
				return nil, fmt.Errorf("rescan: pattern %d: %w", id, store.ErrUnknownPattern)
			}
		}
		ps = append(ps, p)
	}
	m, err := patterns.Compile(ps)
	if err != nil {
		return nil, fmt.Errorf("rescan: compile patterns %s: %w", strings.TrimSuffix(key, ","), err)
	}
	r.opts.Matchers.put(key, m)
	return m, nil
}

// IsCorrupt reports whether a rescan failure is a corrupt stored log (as opposed to a missing one).
func IsCorrupt(err error) bool { return errors.Is(err, blob.ErrCorrupt) }
