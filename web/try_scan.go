package web

import (
	"context"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

// A trial reads one page of logs, newest first, and is scanned while its page is written: the
// template ranges over Samples, which scans until the next log that hits and flushes what the
// page holds so far, so the first hits reach the browser while older logs are still read.

// trySample is one hit shown: the first matched line of a log, with its newest job.
type trySample struct {
	Job     store.MatchJob
	Context contextBlock
}

// tryTrial is what the results part of the try page shows.
type tryTrial struct {
	Want    int                 // logs this page reads at most
	Samples iter.Seq[trySample] // scans as it is ranged over
	Result  *tryResult          // complete once Samples is exhausted
}

// tryResult says what one page of a trial covered and found. Logs are counted, not jobs: a log
// shared by several jobs is read once.
type tryResult struct {
	Logs, FailedLogs, Green int
	HitFailed, HitGreen     int
	Matches                 int
	Unreadable              int
	Shown                   int // samples shown (at most trySamples)
	Elapsed                 time.Duration
	// Stopped says why the page ended before reading all its logs ("" when it did not).
	Stopped string
	// Skipped is 1 when the page's first log could not be read within the time budget: the next
	// page starts after it rather than at it again.
	Skipped int
	// Total counts the logs the viewer may read in the trial's scope; Earlier those of earlier
	// pages (newer), Remaining the older ones no page has read yet. CountErr is set when they
	// could not be counted.
	Total, Earlier, Remaining int
	CountErr                  bool
	// More is the next page's address ("" when none).
	More string
}

// trySamples bounds the hits shown per page; the counts cover every log read.
const trySamples = 20

// maxLogHits bounds the matched lines counted per log.
const maxLogHits = 50

// trial is one page of a trial being scanned.
type trial struct {
	s      *server
	v      *viewer
	idx    map[int64]repoInfo
	m      *patterns.Matcher
	q      store.TrialQuery
	page   []store.SampleLog
	want   int
	next   func(before int64) string // the address of the page after before
	flush  func()
	res    tryResult
	read   int64 // bytes of logs read so far
	start  time.Time
	budget time.Duration
}

// samples scans the page's logs in order, yielding the first hit of each log that has one (up
// to trySamples) and flushing before each log it reads past a shown hit; once done it counts what
// the page covered.
func (t *trial) samples(ctx context.Context) iter.Seq[trySample] {
	return func(yield func(trySample) bool) {
		scanCtx, cancel := context.WithTimeout(ctx, t.budget)
		defer cancel()
		t.flush() // the form and "searching…" show at once
		last := t.q.Before
		for _, l := range t.page {
			if scanCtx.Err() != nil {
				break
			}
			if t.read >= t.s.deps.TryBytes {
				t.res.Stopped = fmt.Sprintf("stopped after reading %s of logs, the trial's budget", byteSize(t.read))
				break
			}
			if !t.v.canReadID(t.idx, l.RepoID) {
				continue // the store's audience already excludes it: never read another tenant's log
			}
			var hits []patterns.Match
			err := t.scanLog(scanCtx, l, &hits)
			if scanCtx.Err() != nil {
				if t.res.Logs == 0 && ctx.Err() == nil {
					last, t.res.Skipped = l.JobID, 1 // no page would ever get past it
				}
				break // the log was cut short: it is not counted
			}
			last = l.JobID
			if !t.count(ctx, l, hits, err) || t.res.Shown >= trySamples {
				continue
			}
			blocks := t.s.matchContext(ctx, l.StorageKey, hits[:1], 3)
			t.res.Shown++
			if !yield(trySample{Job: l.MatchJob, Context: blocks[hits[0].Line]}) {
				return
			}
			t.flush()
		}
		if ctx.Err() != nil {
			return // the visitor left: nobody to answer
		}
		if scanCtx.Err() != nil {
			t.res.Stopped = fmt.Sprintf("stopped after the trial's time budget of %s", t.budget)
		}
		t.res.Elapsed = time.Since(t.start).Round(time.Millisecond)
		t.finish(ctx, last)
	}
}

// count adds one fully read log to the result and says whether it hit.
func (t *trial) count(ctx context.Context, l store.SampleLog, hits []patterns.Match, err error) bool {
	t.res.Logs++
	green := l.Conclusion == "success"
	if green {
		t.res.Green++
	} else {
		t.res.FailedLogs++
	}
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Int64("log", l.LogID).Msg("try: log unreadable")
		t.res.Unreadable++
		return false
	}
	if len(hits) == 0 {
		return false
	}
	t.res.Matches += len(hits)
	if green {
		t.res.HitGreen++
	} else {
		t.res.HitFailed++
	}
	return true
}

// finish counts the logs of the trial's scope around this page and links the next one, which
// starts below last (the newest job of the last log this page finished).
func (t *trial) finish(ctx context.Context, last int64) {
	total, older, err := t.s.st.CountTrialLogs(ctx, t.q, t.q.Before, last)
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("try: logs not counted")
		t.res.CountErr = true
		if t.res.Stopped != "" || t.res.Skipped > 0 || len(t.page) == t.want {
			t.res.More = t.next(last)
		}
		return
	}
	t.res.Total, t.res.Earlier = total, total-older[0]
	if last != 0 {
		t.res.Remaining = older[1]
	} else {
		t.res.Remaining = older[0]
	}
	if t.res.Remaining > 0 {
		t.res.More = t.next(last)
	}
}

func (t *trial) scanLog(ctx context.Context, l store.SampleLog, into *[]patterns.Match) error {
	rc, err := t.s.deps.Blobs.Open(ctx, l.StorageKey)
	if err != nil {
		return fmt.Errorf("open log %d: %w", l.LogID, err)
	}
	defer rc.Close()
	r := logs.NewReader(countingReader{r: ctxReader{ctx: ctx, r: rc}, n: &t.read})
	_, err = t.m.Scan(r, patterns.ScanOptions{Job: l.Name, MaxMatchesPerPattern: maxLogHits}, func(x patterns.Match) error {
		*into = append(*into, x)
		return nil
	})
	if err != nil {
		return fmt.Errorf("scan log %d: %w", l.LogID, err)
	}
	return nil
}

// countingReader adds the bytes it reads to n: a trial's byte budget.
type countingReader struct {
	r io.Reader
	n *int64
}

func (c countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	*c.n += int64(k)
	return k, err
}

// byteSize names a byte count in MiB, KiB or bytes.
func byteSize(n int64) string {
	if n < 1<<10 {
		return fmt.Sprintf("%d bytes", n)
	}
	if n < 1<<20 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d MiB", n>>20)
}
