// Package ingest is the one place a CI job and its log enter the store: it maps a provider's job
// to a stored job, keeps the tail of an oversized log, stores the content once and links it to the
// job (or records why there is no log). The App's workers, `totto backfill` and `totto ingest`
// share it so a job stored by any of them looks the same.
package ingest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/totto-ci/totto/ci"
	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
)

// Job maps a provider's job to the stored shape; the log state starts pending. The first failed
// step is the job's Step, which triage shows next to the failure.
func Job(repoID int64, j *ci.Job) store.Job {
	sj := store.Job{Provider: j.Provider, ExternalID: j.ExternalID, Attempt: j.Attempt, RepoID: repoID, SHA: j.SHA,
		Branch: j.Branch, Name: j.Name, Conclusion: j.Conclusion, URL: j.URL, LogState: store.LogPending}
	for _, s := range j.Steps {
		if s.Failed {
			sj.Step = s.Name
			break
		}
	}
	if !j.Started.IsZero() {
		t := j.Started
		sj.StartedAt = &t
	}
	if !j.Completed.IsZero() {
		t := j.Completed
		sj.CompletedAt = &t
	}
	return sj
}

// StoreLog stores a log's content and metadata and returns the log. A log longer than maxBytes
// (> 0) keeps its last maxBytes, starting at the first whole line, and is marked truncated: a job
// fails at the end of its log, so the tail holds the failure and the head is setup noise. The raw
// bytes are spooled to a temporary file first, so memory stays flat whatever the size; content is
// written before metadata, so a failure leaves no row pointing at nothing.
func StoreLog(ctx context.Context, st store.Store, blobs blob.Store, raw io.Reader, maxBytes int64) (store.Log, error) {
	f, err := os.CreateTemp("", "totto-log-*")
	if err != nil {
		return store.Log{}, fmt.Errorf("log spool: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	n, err := io.Copy(f, raw)
	if err != nil {
		return store.Log{}, fmt.Errorf("reading log: %w", err)
	}
	return StoreLogFile(ctx, st, blobs, f, n, maxBytes)
}

// StoreLogFile is StoreLog for content already on disk (a spool or a cache entry) of size bytes.
func StoreLogFile(ctx context.Context, st store.Store, blobs blob.Store, f io.ReaderAt, size, maxBytes int64) (store.Log, error) {
	truncated := maxBytes > 0 && size > maxBytes
	open := func() (io.Reader, error) {
		if !truncated {
			return io.NewSectionReader(f, 0, size), nil
		}
		br := bufio.NewReader(io.NewSectionReader(f, size-maxBytes, maxBytes))
		var before [1]byte
		if _, err := f.ReadAt(before[:], size-maxBytes-1); err != nil {
			return nil, fmt.Errorf("log tail: %w", err)
		}
		if before[0] == '\n' { // the cut falls on a line start: the first line is whole
			return br, nil
		}
		if _, err := br.ReadSlice('\n'); err != nil && !errors.Is(err, bufio.ErrBufferFull) && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("log tail: %w", err)
		}
		return br, nil
	}
	r, err := open()
	if err != nil {
		return store.Log{}, err
	}
	lines := 0
	lr := logs.NewReader(r)
	for lr.Next() {
		lines = lr.Line().Num
	}
	if err := lr.Err(); err != nil {
		return store.Log{}, fmt.Errorf("counting log lines: %w", err)
	}
	if r, err = open(); err != nil {
		return store.Log{}, err
	}
	obj, err := blobs.Put(ctx, r)
	if err != nil {
		return store.Log{}, fmt.Errorf("storing log content: %w", err)
	}
	l, err := st.PutLog(ctx, store.Log{SHA256: obj.SHA256, RawSize: obj.Size, Lines: lines, Truncated: truncated, StorageKey: obj.Key})
	if err != nil {
		return store.Log{}, fmt.Errorf("recording log %s: %w", obj.SHA256, err)
	}
	return l, nil
}

// Link records a stored log as job's log.
func Link(ctx context.Context, st store.Store, jobID int64, l store.Log) error {
	if err := st.SetJobLog(ctx, jobID, &l.ID, store.LogStored, ""); err != nil {
		return fmt.Errorf("linking log %d to job %d: %w", l.ID, jobID, err)
	}
	return nil
}

// NoLog records that job has no log and why (expired, deleted, never produced), so a missing
// log is reported rather than silently dropped.
func NoLog(ctx context.Context, st store.Store, jobID int64, reason string) error {
	if reason == "" {
		reason = "log not available"
	}
	if err := st.SetJobLog(ctx, jobID, nil, store.LogUnavailable, reason); err != nil {
		return fmt.Errorf("recording missing log of job %d: %w", jobID, err)
	}
	return nil
}
