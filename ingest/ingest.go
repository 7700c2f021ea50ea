// Package ingest is the one place a CI job and its log enter the store: it maps a provider's job
// to a stored job, keeps the tail of an oversized log, stores the content once and links it to the
// job (or records why there is no log). The App's pipeline, `totto backfill` and `totto ingest`
// share it, so a job or log stored by any of them looks the same; docs/store.md describes how an
// oversized log is cut.
package ingest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
)

// Job maps a provider's job to the stored shape; the log state starts pending. The first failed
// step is the job's Step, which triage shows next to the failure.
func Job(repoID int64, j *ciprovider.Job) store.Job {
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

// StoreLog stores a log's content and metadata and returns the log; the same content stored again
// is the same log. Gzip content is decompressed and binary content refused with ErrBinary (see
// TextLog). A log longer than maxBytes (> 0) is stored from the first whole line of its last
// maxBytes and marked truncated (see StoreLogFile). The raw bytes are spooled to disk first,
// keeping only what can be stored, so memory stays flat and disk bounded whatever the log's size.
func StoreLog(ctx context.Context, st LogStore, blobs blob.Store, raw io.Reader, maxBytes int64) (store.Log, error) {
	return StoreLogReading(ctx, st, blobs, raw, maxBytes, nil)
}

// LineReader reads the lines of the text being stored, in the one pass that counts them, and
// returns how many there are (the last line's number); it keeps no Line (nor its Text) past
// its return. A caller that wants something else of a
// new log (its matches, its failing tests) reads it here rather than opening the stored content
// again; nil only counts.
type LineReader func(*logs.Reader) (int, error)

// StoreLogReading is StoreLog whose line pass is read (see LineReader).
func StoreLogReading(ctx context.Context, st LogStore, blobs blob.Store, raw io.Reader, maxBytes int64, read LineReader) (store.Log, error) {
	text, err := TextLog(raw)
	if err != nil {
		return store.Log{}, err
	}
	sp, err := newTailSpool(maxBytes)
	if err != nil {
		return store.Log{}, err
	}
	defer sp.Close()
	if _, err := io.Copy(sp, text); err != nil {
		return store.Log{}, fmt.Errorf("reading log: %w", err)
	}
	return storeText(ctx, st, blobs, sp, sp.Size(), maxBytes, read)
}

// maxCutLine bounds how far into a truncated log's tail the first line break is looked for: a
// longer first line is kept from the cut rather than dropped whole.
const maxCutLine = 64 << 10

// StoreLogFile is StoreLog for content already on disk (a download or a cache entry) of size
// bytes. Gzip content is decompressed (through StoreLog) and binary content refused with
// ErrBinary, judged on the part that would be stored. A log longer than maxBytes (> 0) keeps its
// last maxBytes, starting at the first whole line, and is marked truncated: a job fails at the end
// of its log, so the tail holds the failure and the head is setup noise.
func StoreLogFile(ctx context.Context, st LogStore, blobs blob.Store, f io.ReaderAt, size, maxBytes int64, read LineReader) (store.Log, error) {
	// A download that kept only its tail cannot be read from its start (ReadAt fails): it is
	// judged on its tail alone.
	var magic [2]byte
	if n, _ := f.ReadAt(magic[:], 0); logs.IsGzip(magic[:n]) {
		return StoreLogReading(ctx, st, blobs, io.NewSectionReader(f, 0, size), maxBytes, read)
	}
	r, err := tail(f, size, maxBytes)
	if err != nil {
		return store.Log{}, err
	}
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return store.Log{}, fmt.Errorf("reading log: %w", err)
	}
	if isBinary(head[:n]) {
		return store.Log{}, ErrBinary
	}
	return storeText(ctx, st, blobs, f, size, maxBytes, read)
}

// countLines is the LineReader that only counts.
func countLines(lr *logs.Reader) (int, error) {
	lines := 0
	for lr.Next() {
		lines = lr.Line().Num
	}
	return lines, lr.Err()
}

// storeText stores text content of size bytes (its tail when longer than maxBytes), its lines
// read once by read (nil: counted). Content is written before metadata, so a failure leaves no
// row pointing at nothing.
func storeText(ctx context.Context, st LogStore, blobs blob.Store, f io.ReaderAt, size, maxBytes int64, read LineReader) (store.Log, error) {
	truncated := maxBytes > 0 && size > maxBytes
	r, err := tail(f, size, maxBytes)
	if err != nil {
		return store.Log{}, err
	}
	if read == nil {
		read = countLines
	}
	lr := logs.NewReader(r)
	lines, err := read(lr)
	lr.Release() // a LineReader keeps no line past its return
	if err != nil {
		return store.Log{}, fmt.Errorf("reading log lines: %w", err)
	}
	if r, err = tail(f, size, maxBytes); err != nil {
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
	if l.Created || l.Revived {
		// A prune may have deleted this content between the write above and PutLog (the log
		// had expired, or its last job was deleted). Now that the row is live no prune deletes
		// it, so content found now stays, and content written again now is final.
		if err := ensureContent(ctx, blobs, l.StorageKey, f, size, maxBytes); err != nil {
			return store.Log{}, err
		}
	}
	return l, nil
}

// ensureContent stores the content again unless key can be opened.
func ensureContent(ctx context.Context, blobs blob.Store, key string, f io.ReaderAt, size, maxBytes int64) error {
	if rc, err := blobs.Open(ctx, key); err == nil {
		return rc.Close()
	}
	r, err := tail(f, size, maxBytes)
	if err != nil {
		return err
	}
	if _, err := blobs.Put(ctx, r); err != nil {
		return fmt.Errorf("storing log content again after a concurrent prune: %w", err)
	}
	return nil
}

// tail opens the part of f (size bytes) that is stored: all of it, or when longer than maxBytes
// (> 0) its last maxBytes from the first whole line (within maxCutLine of the cut).
func tail(f io.ReaderAt, size, maxBytes int64) (io.Reader, error) {
	if maxBytes <= 0 || size <= maxBytes {
		return io.NewSectionReader(f, 0, size), nil
	}
	var before [1]byte
	if _, err := f.ReadAt(before[:], size-maxBytes-1); err != nil {
		return nil, fmt.Errorf("log tail: %w", err)
	}
	r := io.NewSectionReader(f, size-maxBytes, maxBytes)
	if before[0] == '\n' { // the cut falls on a line start: the first line is whole
		return r, nil
	}
	br := bufio.NewReaderSize(r, maxCutLine)
	head, err := br.Peek(maxCutLine)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("log tail: %w", err)
	}
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		if _, err := br.Discard(i + 1); err != nil {
			return nil, fmt.Errorf("log tail: %w", err)
		}
	}
	return br, nil
}

// Link records a stored log as job's log.
func Link(ctx context.Context, st LogStore, jobID int64, l store.Log) error {
	if err := st.SetJobLog(ctx, jobID, &l.ID, store.LogStored, ""); err != nil {
		return fmt.Errorf("linking log %d to job %d: %w", l.ID, jobID, err)
	}
	return nil
}

// NoLog records that job has no log and why (expired, deleted, never produced), so a missing
// log is reported rather than silently dropped.
func NoLog(ctx context.Context, st LogStore, jobID int64, reason string) error {
	if reason == "" {
		reason = "log not available"
	}
	if err := st.SetJobLog(ctx, jobID, nil, store.LogUnavailable, reason); err != nil {
		return fmt.Errorf("recording missing log of job %d: %w", jobID, err)
	}
	return nil
}
